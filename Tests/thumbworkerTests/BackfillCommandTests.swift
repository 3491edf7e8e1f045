import Foundation
import TestSupport
import Testing

@Suite("thumbworker backfill on the local backend")
struct BackfillCommandTests {
    /// A working folder whose local `uploads` bucket holds `count` originals put there by `thumbworker upload` (their
    /// events wait in the queue; no worker runs, so only the backfill makes thumbnails).
    private static func bucket(of count: Int) async throws -> URL {
        let folder = try TemporaryFolder.make()
        let inputs = folder.appending(path: "in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        let names = try (0..<count).map { index in
            let name = String(format: "in/photo-%03d.jpg", index)
            try FileManager.default.copyItem(at: Testdata.url("landscape.jpg"), to: folder.appending(path: name))
            return name
        }
        let upload = try await CommandResult(["upload"] + names, in: folder)
        try #require(upload.status == 0, "\(upload.standardError)")
        return folder
    }

    @Test("--process under a terminal: a live progress line, then a summary; a second run finds all current")
    func processOnATerminal() async throws {
        let folder = try await Self.bucket(of: 200)
        defer { try? FileManager.default.removeItem(at: folder) }
        let command = "'\(binaryURL.path)' backfill s3://uploads/ --process --page-size 50"
        let result = try await CommandResult(
            ["-c", "exec script -qefc \"$0\" /dev/null </dev/null", command], in: folder,
            executable: URL(filePath: "/bin/sh"))
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let shown = result.standardOutput.replacingOccurrences(of: "\r\n", with: "\n")
        let progressLines = shown.components(separatedBy: "\r\u{1B}[K").filter { $0.hasPrefix("listed ") }
        #expect(
            progressLines.contains {
                $0.contains(" · rendered ") && $0.contains(" · failed 0") && !$0.contains("rendered 0 ")
            },
            "\(shown)")
        #expect(
            shown.contains("backfill of s3://uploads/: 200 listed, 0 left out, 0 current, 200 rendered, 0 failed"),
            "\(shown)")
        let thumbnails = try FileManager.default.contentsOfDirectory(
            atPath: folder.appending(path: ".thumbworker/buckets/thumbnails").path)
        #expect(thumbnails.filter { $0.hasSuffix(".jpeg") }.count == 200)

        let again = try await CommandResult(["backfill", "s3://uploads/", "--json"], in: folder)
        #expect(again.status == 0, "\(again.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any]
        let tally = summary?["tally"] as? [String: Int]
        #expect(tally?["current"] == 200 && tally?["enqueued"] == 0, "\(again.standardOutput)")
    }

    @Test("a bad flag, a bucket the worker skips, or --resume without a checkpoint: exit 2 and the reason")
    func refusals() async throws {
        try await TemporaryFolder.with { folder in
            for (arguments, words) in [
                (["s3://other/"], "the worker skips uploads to other"),
                (["s3://uploads/", "--page-size", "5000"], "--page-size 5000 is not between 1 and 1000"),
                (["s3://uploads/", "--since", "yesterday"], "--since yesterday: write 2026-01-31"),
                (["s3://uploads/", "--resume"], "there is no checkpoint at thumbworker-backfill.json"),
            ] {
                let result = try await CommandResult(["backfill"] + arguments, in: folder)
                #expect(result.status == 2, "\(arguments)")
                #expect(result.standardError.contains(words), "\(arguments): \(result.standardError)")
            }
        }
    }
}
