import ArgumentParser
import Foundation
import Imaging
import Worker

/// `thumbworker process`: the worker's pipeline over local files, no cloud needed.
struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Make the configured thumbnails of image files.",
        discussion: """
            Exit status: 0 when every input succeeded, 1 when any failed (one line per failed input on \
            standard error), 2 when the configuration or flags are invalid.
            """
    )

    @Argument(help: "Image files or s3://bucket/key objects to process.")
    var inputs: [String]

    @Option(name: [.short, .customLong("output")], help: "Folder (created if missing) or s3://bucket/prefix/ the thumbnails are written to.")
    var output: String

    @Flag(name: .long, help: "Print one JSON manifest per input (JSON Lines) instead of a summary.")
    var json = false

    @OptionGroup var renditionOptions: RenditionOptions

    func run() async throws {
        let pipeline: ThumbnailPipeline
        let locations: ProcessLocations
        do {
            let configuration = try renditionOptions.loadConfiguration()
            pipeline = try ThumbnailPipeline(configuration: configuration)
            locations = try await ProcessLocations(inputs: inputs, output: output, aws: configuration.aws,
                                             environment: ProcessInfo.processInfo.environment)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        let report = ProcessReport(json: json, total: inputs.count)
        await pipeline.processAll(locations.sources, into: locations.output) { manifest in
            await report.add(manifest)
        }
        let failed = await report.finish(outputDirectory: output)
        pipeline.pool.shutdown()
        await locations.connection?.shutdown()
        if failed > 0 {
            throw ExitCode(1)
        }
    }
}
