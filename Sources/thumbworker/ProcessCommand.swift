import ArgumentParser
import Foundation
import Imaging
import Logging
import WorkerAWS
import WorkerCore

/// `thumbworker process`: the worker's job path over local files and S3 objects, with a printing notifier.
struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Make the configured thumbnails of image files and S3 objects.",
        discussion: """
            Each input goes through the same steps as an upload in `run`: an input that is thumbworker's own output \
            is skipped, and outputs already made from the same source version (S3 entity tag) are reused; --force \
            renders regardless. Exit status: 0 when every input succeeded or was skipped, 1 when any failed (one line \
            per failed input on standard error), 2 when the configuration or flags are invalid.
            """
    )

    @Argument(help: "Image files or s3://bucket/key objects to process.")
    var inputs: [String]

    @Option(
        name: [.short, .customLong("output")],
        help: "Folder (created if missing) or s3://bucket/prefix/ the thumbnails are written to.")
    var output: String

    @Flag(
        name: .long,
        help: "Print each input's thumbnails.ready or thumbnails.failed event (JSON Lines) instead of a summary.")
    var json = false

    @Flag(
        name: .long, help: "Render even inputs that are thumbworker's own outputs or whose outputs are already current."
    )
    var force = false

    @OptionGroup var renditionOptions: RenditionOptions

    func run() async throws {
        let processor: UploadProcessor
        let locations: ProcessLocations
        do {
            let configuration = try renditionOptions.loadConfiguration()
            let pipeline = try ThumbnailPipeline(settings: configuration.pipelineSettings)
            locations = try await ProcessLocations(
                inputs: inputs, output: output, aws: configuration.aws, environment: ProcessInfo.processInfo.environment
            )
            processor = UploadProcessor(
                pipeline: pipeline, destination: locations.output, workerID: WorkerIdentity.current,
                reusesCurrentOutputs: configuration.storage.reuseCurrentOutputs && !force, skipsOwnOutputs: !force)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        let report = ProcessReport(json: json, total: inputs.count, output: locations.output)
        var logger = Logger(label: "thumbworker")
        logger.logLevel = .warning
        await report.showing {
            await processor.processAll(locations.sources, logger: logger) { source, outcome in
                report.add(outcome, for: source)
            }
        }
        let failed = report.finish(outputDirectory: output)
        processor.pipeline.pool.shutdown()
        await locations.connection?.shutdown()
        if failed > 0 {
            throw ExitCode(1)
        }
    }
}
