import Imaging
import WorkerCore

/// The printing notifier of `process`: each input's line (or its event, as JSON Lines) and failures on standard
/// error, all through a progress display of rendered, reused, skipped and failed inputs.
struct ProcessReport: Sendable {
    private let json: Bool
    private let total: Int
    private let output: OutputLocation
    private let progress: ProgressDisplay

    /// Prepares a report of `total` inputs written to `output`.
    init(json: Bool, total: Int, output: OutputLocation) {
        self.json = json
        self.total = total
        self.output = output
        let counters = ["rendered", "reused", "skipped", "failed"]
        progress = ProgressDisplay(
            counters: counters, completed: Set(counters), total: total, bytes: "written",
            style: .automatic(json: json))
    }

    /// Runs `body` (the processing) while the progress line shows.
    func showing(_ body: () async -> Void) async {
        await progress.showing(body)
    }

    /// Counts and prints what became of one input.
    func add(_ outcome: JobOutcome, for source: ObjectLocation) {
        switch outcome {
        case .ready(let event):
            // Reused outputs were not rendered now, so their event has no timings.
            if event.timings == nil {
                progress.add(to: "reused")
            } else {
                progress.add(to: "rendered")
                progress.addBytes((event.renditions ?? []).reduce(0) { $0 + $1.bytes })
            }
            if !json {
                progress.print(summary(event, input: source.displayName))
            }
        case .failed(let event), .retry(let event):
            progress.add(to: "failed")
            progress.print("thumbworker: \(source.displayName): \(event.error?.message ?? "failed")", to: .error)
        case .skipped(let reason):
            progress.add(to: "skipped")
            progress.print("thumbworker: \(source.displayName): skipped: \(reason); --force renders it", to: .error)
        case .deleted:
            // Only a removal ends so, never a file given to `process`.
            progress.add(to: "skipped")
        }
        if json, let event = outcome.event {
            progress.print(String(decoding: event.jsonBytes(), as: UTF8.self))
        }
    }

    /// Prints the summary and returns how many inputs failed; with `--json` the summary is JSON on standard error,
    /// standard output holding only the events.
    func finish(outputDirectory: String) -> Int {
        let failed = progress.count("failed")
        progress.finish(
            headline: "\(total - failed) of \(total) inputs made thumbnails in \(outputDirectory)",
            to: json ? .error : .output)
        return failed
    }

    private func summary(_ event: ThumbnailEvent, input: String) -> String {
        var line = input
        if let format = event.source.format, let width = event.source.width, let height = event.source.height {
            line += " (\(format.rawValue) \(width)×\(height))"
        }
        let outputs = (event.renditions ?? []).map { rendition in
            "\(rendition.name) \(rendition.width)×\(rendition.height) \(rendition.format.rawValue) "
                + "\(ProgressFormat.bytes(rendition.bytes)) → "
                + output.store.displayName(bucket: rendition.bucket, key: rendition.key)
        }
        let milliseconds = Int(((event.timings?.total ?? 0) * 1000).rounded())
        return line + " → " + outputs.joined(separator: ", ") + " [\(milliseconds) ms]"
    }
}
