import Foundation
import Imaging
import WorkerCore

/// The printing notifier of `process`: each input's event as JSON Lines, or a human summary with a progress bar on
/// a terminal; failures on standard error.
actor ProcessReport {
    private let json: Bool
    private let total: Int
    private let output: OutputLocation
    private let showsProgress: Bool
    private var done = 0
    private var failed = 0

    /// Prepares a report for `total` inputs written to `output`.
    init(json: Bool, total: Int, output: OutputLocation) {
        self.json = json
        self.total = total
        self.output = output
        self.showsProgress = !json && total > 1 && Terminal.standardOutputIsTerminal
    }

    /// Records and prints what became of one input.
    func add(_ outcome: JobOutcome, for source: ObjectLocation) {
        done += 1
        switch outcome {
        case .ready(let event):
            if !json {
                Terminal.standardOutput(summary(event, input: source.displayName), clearingProgress: showsProgress)
            }
        case .failed(let event), .retry(let event):
            failed += 1
            Terminal.standardError("thumbworker: \(source.displayName): \(event.error?.message ?? "failed")")
        case .skipped(let reason):
            Terminal.standardError("thumbworker: \(source.displayName): skipped: \(reason); --force renders it")
        }
        if json, let event = outcome.event {
            Terminal.standardOutput(String(decoding: event.jsonBytes(), as: UTF8.self))
        }
        if showsProgress {
            Terminal.progress(done: done, total: total)
        }
    }

    /// Prints the closing line and returns how many inputs failed.
    func finish(outputDirectory: String) -> Int {
        if showsProgress {
            Terminal.clearProgress()
        }
        if !json {
            Terminal.standardOutput(
                "\(total - failed) of \(total) inputs made thumbnails in \(outputDirectory)"
                    + (failed > 0 ? "; \(failed) failed" : ""))
        }
        return failed
    }

    private func summary(_ event: ThumbnailEvent, input: String) -> String {
        var line = input
        if let format = event.source.format, let width = event.source.width, let height = event.source.height {
            line += " (\(format.rawValue) \(width)×\(height))"
        }
        let outputs = (event.renditions ?? []).map { rendition in
            "\(rendition.name) \(rendition.width)×\(rendition.height) \(rendition.format.rawValue) "
                + "\(Self.bytes(rendition.bytes)) → \(output.store.displayName(bucket: rendition.bucket, key: rendition.key))"
        }
        let milliseconds = Int(((event.timings?.total ?? 0) * 1000).rounded())
        return line + " → " + outputs.joined(separator: ", ") + " [\(milliseconds) ms]"
    }

    private static func bytes(_ count: Int) -> String {
        count < 1024 ? "\(count) B" : String(format: "%.1f KB", Double(count) / 1024)
    }
}

/// Writing to the terminal: lines on standard output and error, and a one-line progress bar.
enum Terminal {
    /// Whether standard output is a terminal (not a pipe or file).
    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Writes a line to standard output, first erasing the progress bar when one is shown.
    static func standardOutput(_ line: String, clearingProgress: Bool = false) {
        write((clearingProgress ? "\r\u{1B}[K" : "") + line + "\n", to: FileHandle.standardOutput)
    }

    /// Writes a line to standard error.
    static func standardError(_ line: String) {
        write(line + "\n", to: FileHandle.standardError)
    }

    /// Redraws the progress bar in place.
    static func progress(done: Int, total: Int) {
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        progressLine("[\(bar)] \(done)/\(total)")
    }

    /// Replaces the current line with a status text.
    static func progressLine(_ text: String) {
        write("\r\u{1B}[K" + text, to: FileHandle.standardOutput)
    }

    /// Erases the progress bar.
    static func clearProgress() {
        write("\r\u{1B}[K", to: FileHandle.standardOutput)
    }

    private static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }
}
