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

    @Argument(help: "Image files to process.")
    var inputs: [String]

    @Option(name: [.short, .customLong("output")], help: "Folder the thumbnails are written to (created if missing).")
    var output: String

    @Flag(name: .long, help: "Print one JSON manifest per input (JSON Lines) instead of a summary.")
    var json = false

    @OptionGroup var renditionOptions: RenditionOptions

    func run() async throws {
        let pipeline: ThumbnailPipeline
        do {
            pipeline = try ThumbnailPipeline(configuration: try renditionOptions.loadConfiguration())
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        let files = LocalFolderStore()
        let sources = inputs.map { path in
            let url = URL(fileURLWithPath: path)
            let folder = (path as NSString).deletingLastPathComponent
            return ObjectLocation(store: files, bucket: folder, key: url.lastPathComponent)
        }
        let report = ProcessReport(json: json, total: inputs.count)
        await pipeline.processAll(sources, into: OutputLocation(store: files, bucket: output)) { manifest in
            await report.add(manifest)
        }
        let failed = await report.finish(outputDirectory: output)
        pipeline.pool.shutdown()
        if failed > 0 {
            throw ExitCode(1)
        }
    }
}
