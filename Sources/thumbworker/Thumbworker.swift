import ArgumentParser

/// The thumbworker command line: `run` a fleet member, `process` files, `bench` the pipeline, `upload` locally.
@main
struct Thumbworker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make thumbnails of uploaded images with libvips.",
        subcommands: [
            RunCommand.self, ProcessCommand.self, BenchCommand.self, UploadCommand.self, DeadLettersCommand.self,
            ConfigCommand.self, HealthCommand.self,
        ]
    )

    /// Sets up the allocator before any thread starts, then parses and runs the command.
    static func main() async {
        MemoryAllocator.limitArenas()
        await main(nil)
    }
}
