import ArgumentParser

/// The thumbworker command line: `process` files, `bench` the pipeline; `run` comes with the worker.
@main
struct Thumbworker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make thumbnails of uploaded images with libvips.",
        subcommands: [ProcessCommand.self, BenchCommand.self, UploadCommand.self]
    )
}
