import ArgumentParser

/// The thumbworker command line: `process` files now; `run` and `bench` come with the worker and throughput work.
@main
struct Thumbworker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make thumbnails of uploaded images with libvips.",
        subcommands: [ProcessCommand.self]
    )
}
