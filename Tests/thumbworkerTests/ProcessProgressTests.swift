import Foundation
import TestSupport
import Testing
import WorkerCore

@testable import thumbworker

@Suite("thumbworker process over many files: the progress display")
struct ProcessProgressTests {
    /// A working folder with `count` copies of a test image in `in/`; returns it and the copies' relative paths.
    private static func copies(_ count: Int) throws -> (folder: URL, inputs: [String]) {
        let folder = try TemporaryFolder.make()
        try FileManager.default.createDirectory(
            at: folder.appending(path: "in"), withIntermediateDirectories: true)
        let inputs = try (0..<count).map { index in
            let name = String(format: "in/photo-%02d.jpg", index)
            try FileManager.default.copyItem(at: Testdata.url("landscape.jpg"), to: folder.appending(path: name))
            return name
        }
        return (folder, inputs)
    }

    /// What a terminal shows of output written to it: each row's text after its last carriage return and clear.
    private static func visibleRows(_ output: String) -> [String] {
        output.split(separator: "\n", omittingEmptySubsequences: false).map { row in
            let drawn = row.split(separator: "\r").last.map(String.init) ?? ""
            return drawn.replacingOccurrences(of: "\u{1B}[K", with: "")
        }.filter { !$0.isEmpty }
    }

    @Test("on a terminal: a live line with the counters, per-file lines apart from it, and the summary last")
    func pseudoTerminal() async throws {
        let (folder, inputs) = try Self.copies(40)
        let command = ([binaryURL.path, "process"] + inputs + ["-o", "out"]).map { "'\($0)'" }.joined(separator: " ")
        // script(1) runs the command on a pseudo-terminal and copies what it shows to its own standard output.
        let result = try await CommandResult(
            ["-c", "exec script -qefc \"$0\" /dev/null </dev/null", command], in: folder,
            executable: URL(filePath: "/bin/sh"))
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let shown = result.standardOutput.replacingOccurrences(of: "\r\n", with: "\n")
        // The live line: redrawn in place, with every counter, the bytes and the total.
        let progressLines = shown.components(separatedBy: "\r\u{1B}[K").filter { $0.hasPrefix("rendered ") }
        #expect(!progressLines.isEmpty, "\(shown)")
        #expect(
            progressLines.contains {
                $0.contains(" · reused 0 · skipped 0 · failed 0 · ") && $0.contains(" written · ")
                    && $0.contains("/40 (") && !$0.hasPrefix("rendered 0 ")
            }, "\(progressLines)")
        let rows = Self.visibleRows(shown)
        #expect(
            rows.filter { $0.contains("/in/photo-") && $0.contains(".jpg (jpeg 600×400) → thumb 150×100") }.count == 40,
            "\(rows)")
        #expect(rows.allSatisfy { !$0.hasPrefix("rendered ") }, "the live line never stays on screen: \(rows)")
        let summary = try #require(rows.last)
        #expect(
            summary.hasPrefix(
                "40 of 40 inputs made thumbnails in out: rendered 40 · reused 0 · skipped 0 · failed 0 · "),
            "\(summary)")
        #expect(summary.contains(" written; 40 in "))
    }

    @Test("not on a terminal: no carriage returns, and the summary")
    func pipes() async throws {
        let (folder, inputs) = try Self.copies(40)
        try FileManager.default.removeItem(at: folder.appending(path: inputs[39]))
        let result = try await CommandResult(["process"] + inputs + ["-o", "out"], in: folder)
        #expect(result.status == 1)
        #expect(!result.standardOutput.contains("\r") && !result.standardError.contains("\r"))
        #expect(result.standardError.contains("photo-39.jpg"), "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 40)
        #expect(
            lines.last?.hasPrefix(
                "39 of 40 inputs made thumbnails in out: rendered 39 · reused 0 · skipped 0 · failed 1 · ")
                == true, "\(result.standardOutput)")
    }

    @Test("--json: standard output holds only the events; the summary is one JSON object on standard error")
    func json() async throws {
        let (folder, inputs) = try Self.copies(3)
        let result = try await CommandResult(["process", "--json"] + inputs + ["-o", "out"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let events = try result.standardOutput.split(separator: "\n").map {
            try ThumbnailEvent.decode(json: Array($0.utf8))
        }
        #expect(events.count == 3)
        let summary = try JSONDecoder().decode(
            ProgressSnapshot.Summary.self, from: Data(result.standardError.utf8))
        #expect(summary.counters == ["rendered": 3, "reused": 0, "skipped": 0, "failed": 0])
        #expect(summary.completed == 3 && summary.total == 3 && (summary.bytes ?? 0) > 0)
    }

    @Test("bench: the summary of each strategy's run before the table")
    func bench() async throws {
        let (folder, inputs) = try Self.copies(2)
        let result = try await CommandResult(["bench", "--rounds", "2"] + inputs, in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.contains("\r"))
        #expect(result.standardOutput.hasPrefix("once: warm-up 2 · images 4; 6 in "), "\(result.standardOutput)")
    }

    @Test("bench --strategy both: alternated rounds counted per strategy, and the median ratio of the rounds")
    func benchBoth() async throws {
        let (folder, inputs) = try Self.copies(2)
        let result = try await CommandResult(["bench", "--strategy", "both", "--rounds", "2"] + inputs, in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardOutput.hasPrefix("both: warm-up 4 · once 4 · per-rendition 4; 12 in "),
            "\(result.standardOutput)")
        #expect(
            result.standardOutput.contains("once / per-rendition = ")
                && result.standardOutput.contains("(median of 2 alternated rounds"), "\(result.standardOutput)")
    }
}
