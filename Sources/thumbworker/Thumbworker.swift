import ArgumentParser
import Imaging

/// The thumbworker command line: `run` a fleet member, `process` files, `bench` the pipeline, `upload` locally.
@main
struct Thumbworker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make thumbnails of uploaded images with libvips.",
        version: "thumbworker \(release) (libvips \(Thumbnailer.libvipsVersion))",
        subcommands: [
            RunCommand.self, ProcessCommand.self, BackfillCommand.self, BenchCommand.self, UploadCommand.self,
            DeadLettersCommand.self, ServeCommand.self,
            ConfigCommand.self, HealthCommand.self,
        ]
    )

    /// This build's release number, printed by `thumbworker --version` with the libvips it runs on.
    static let release = "0.1.0"

    /// Sets up the allocator before any thread starts, then parses and runs the command.
    static func main() async {
        MemoryAllocator.limitArenas()
        await main(nil)
    }
}
