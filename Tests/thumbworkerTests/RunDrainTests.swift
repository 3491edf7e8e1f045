import Foundation
import LocalBackend
import TestSupport
import Testing
import WorkerCore

@Suite("thumbworker run keeps its drain bound")
struct RunDrainTests {
    /// The documented bound on how long after the drain timeout the process exits (README, "Reliability").
    static let exitBound = Duration.seconds(2)

    /// A 64-megapixel progressive JPEG of noise: libjpeg decodes it whole, about 2 s on this machine, and libvips
    /// cannot interrupt that. Made with the `vips` command the test command installs (libvips-tools).
    private static func slowDecodingJPEG(at url: URL) async throws {
        let vips = try await CommandResult(
            ["gaussnoise", "\(url.path)[Q=90,interlace]", "8000", "8000", "--sigma", "40"],
            in: url.deletingLastPathComponent(), executable: URL(filePath: "/usr/bin/vips"))
        try #require(vips.status == 0, "vips gaussnoise made the test image: \(vips.standardError)")
    }

    @Test(
        "SIGTERM during decodes libvips cannot interrupt: exit 0 within the drain timeout + 2 s, unfinished messages released, nothing written for them"
    )
    func abandonsUninterruptibleDecodes() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        limits:
          max_pixels: 100000000
        queue:
          wait_seconds: 1
          drain_timeout_seconds: 1
        """.write(to: folder.appending(path: "worker.conf"), atomically: true, encoding: .utf8)
        try await Self.slowDecodingJPEG(at: folder.appending(path: "a.jpg"))
        for copy in ["b.jpg", "c.jpg"] {
            try FileManager.default.linkItem(at: folder.appending(path: "a.jpg"), to: folder.appending(path: copy))
        }
        let upload = try await CommandResult(["upload", "a.jpg", "b.jpg", "c.jpg"], in: folder)
        try #require(upload.status == 0, "\(upload.standardError)")

        // One imaging thread and three messages in flight: one decode runs, two wait for the thread. Waiting for
        // them all would take three decodes.
        let worker = try RunningCommand(
            ["run", "--concurrency", "1", "--max-in-flight", "3"], in: folder,
            environment: ProcessInfo.processInfo.environment)
        let queue = try SQLiteMessageQueue(
            path: folder.appending(path: ".thumbworker/queue.sqlite").path, maxReceiveCount: 5)
        try await worker.killedOnFailure {
            for _ in 0..<1200 where try await queue.hiddenMessages().count < 3 {
                try await Task.sleep(for: .milliseconds(50))
            }
            try #require(
                try await queue.hiddenMessages().count == 3,
                "the worker took all three messages: \(worker.standardError)")
            let signalled = ContinuousClock.now
            worker.send(SIGTERM)
            let run = try await worker.result(within: .seconds(60))
            let exitedAfter = ContinuousClock.now - signalled
            #expect(run.status == 0, "\(run.standardError)")
            #expect(
                exitedAfter < .seconds(1) + Self.exitBound,
                "exited \(exitedAfter) after SIGTERM with drain_timeout_seconds 1")
            #expect(try await queue.hiddenMessages().count == 0, "every unfinished message was released at once")
            // A job may have finished before SIGTERM (on a loaded machine the test sees the three taken late); each
            // message either finished, thumbnails written and deleted, or was released with nothing written.
            let thumbnails = folder.appending(path: ".thumbworker/buckets/thumbnails")
            let written = Set(
                ((try? FileManager.default.contentsOfDirectory(atPath: thumbnails.path)) ?? []).filter {
                    $0.hasSuffix(".jpg.jpeg")
                })
            let released = try await queue.approximateDepth()
            #expect(released >= 1, "a decode under way at the drain timeout is abandoned, not waited for")
            #expect(released + written.count == 3, "released: \(released), written: \(written.sorted())")
        }
    }
}
