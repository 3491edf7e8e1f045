import Foundation
import LocalBackend
import TestSupport
import Testing
import WorkerCore

@Suite("thumbworker run --exit-when-idle")
struct RunIdleTests {
    /// A folder with `worker.conf` for the local backend and one upload enqueued, whose message another worker then
    /// received and holds hidden for `heldSeconds` (as a worker that was SIGKILLed would).
    private static func queueWithAHeldMessage(heldSeconds: Int) async throws -> URL {
        let folder = try TemporaryFolder.make()
        try "queue:\n  wait_seconds: 1\n  drain_timeout_seconds: 2\n".write(
            to: folder.appendingPathComponent("worker.conf"), atomically: true, encoding: .utf8)
        let upload = try await CommandResult(["upload", Testdata.path("landscape.jpg")], in: folder)
        #expect(upload.status == 0, "\(upload.standardError)")
        let queue = try SQLiteMessageQueue(
            path: folder.appendingPathComponent(".thumbworker/queue.sqlite").path, maxReceiveCount: 5)
        let held = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(heldSeconds))
        #expect(held.count == 1)
        return folder
    }

    @Test("a message hidden by a dead worker is waited for and made into thumbnails before the run exits 0")
    func waitsForHiddenMessages() async throws {
        let folder = try await Self.queueWithAHeldMessage(heldSeconds: 2)
        let run = try await CommandResult(["run", "--exit-when-idle", "--max-idle-wait", "30"], in: folder)
        #expect(run.status == 0, "\(run.standardError)")
        let thumbnail = folder.appendingPathComponent(".thumbworker/buckets/thumbnails/landscape.jpg.jpeg")
        #expect(FileManager.default.fileExists(atPath: thumbnail.path), "the held upload was made into thumbnails")
        #expect(run.standardOutput.contains("\"type\":\"thumbnails.ready\""))
    }

    @Test("messages still hidden after --max-idle-wait: exit 1, saying how many and when the next comes back")
    func givesUpWithWorkUndone() async throws {
        let folder = try await Self.queueWithAHeldMessage(heldSeconds: 600)
        let run = try await CommandResult(["run", "--exit-when-idle", "--max-idle-wait", "1"], in: folder)
        #expect(run.status == 1)
        #expect(
            run.standardError.contains("1 message is still hidden after waiting 1 s (--max-idle-wait)")
                && run.standardError.contains("the next becomes visible at"),
            "\(run.standardError)")
    }
}
