import Foundation
import Imaging
import Worker

/// Prints what `process` did: JSON Lines, or a human summary with a progress bar on a terminal.
actor ProcessReport {
    private let json: Bool
    private let total: Int
    private let showsProgress: Bool
    private var done = 0
    private var failed = 0
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Prepares a report for `total` inputs.
    init(json: Bool, total: Int) {
        self.json = json
        self.total = total
        self.showsProgress = !json && total > 1 && Terminal.standardOutputIsTerminal
    }

    /// Records and prints one finished input.
    func add(_ manifest: JobManifest) {
        done += 1
        if let error = manifest.error {
            failed += 1
            Terminal.standardError("thumbworker: \(manifest.input): \(error.message)")
        }
        if json {
            if let line = try? encoder.encode(manifest) {
                Terminal.standardOutput(String(decoding: line, as: UTF8.self))
            }
        } else if manifest.error == nil {
            Terminal.standardOutput(Self.summary(manifest), clearingProgress: showsProgress)
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
            Terminal.standardOutput("\(total - failed) of \(total) inputs made thumbnails in \(outputDirectory)" +
                                    (failed > 0 ? "; \(failed) failed" : ""))
        }
        return failed
    }

    private static func summary(_ manifest: JobManifest) -> String {
        var line = manifest.input
        if let source = manifest.source {
            line += " (\(source.format.rawValue) \(source.width)×\(source.height))"
        }
        let outputs = manifest.renditions.map { output in
            "\(output.name) \(output.width)×\(output.height) \(output.format.rawValue) \(Self.bytes(output.bytes)) → \(output.path)"
        }
        let milliseconds = Int(((manifest.timings?.total ?? 0) * 1000).rounded())
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
