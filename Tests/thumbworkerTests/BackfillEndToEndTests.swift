import AWSClients
import Backfill
import Foundation
import Synchronization
import TestSupport
import Testing
import WorkerCore

/// `thumbworker backfill` and `thumbworker run` as separate processes against ministack: a real paginated S3
/// listing, the fleet's SQS queue, and every thumbnail write seen on its way through a recording proxy.
@Suite("thumbworker backfill end to end", .enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct BackfillEndToEndTests {
    /// Originals put in the uploads bucket.
    static let originals = 200
    /// The listing page size every backfill uses: 14 pages for the originals.
    static let pageSize = 15

    @Test(
        "backfill --enqueue then run makes every thumbnail; a second backfill enqueues nothing; a new or changed rendition is the only one written"
    )
    func enqueueRunAndRenditionChanges() async throws {
        let writes = WriteLog()
        try await Emulator.withClients { aws in
            try await FaultInjectingProxy.run(
                upstream: try #require(Emulator.url), fault: { request in writes.note(request) }
            ) { proxy in
                let wiring = try await Wiring.make(aws, notifiesFromBucket: false, endpoint: proxy.url)
                let keys = try await wiring.uploadOriginals(Self.originals)
                let thumbnails = { (rendition: String) in keys.map { "\($0)-\(rendition).jpeg" } }

                let first = try await wiring.backfill()
                #expect(first.listed == keys.count)
                #expect(first.enqueued == keys.count)
                #expect(first.pages >= keys.count / Self.pageSize, "several listing pages were read")
                try await wiring.runUntilIdle()
                #expect(
                    try await wiring.keys(in: wiring.thumbnails) == (thumbnails("small") + thumbnails("large")).sorted()
                )
                #expect(writes.keys(in: wiring.thumbnails).count == 2 * keys.count, "each thumbnail written once")

                let second = try await wiring.backfill()
                #expect(second.current == keys.count)
                #expect(second.enqueued == 0)
                #expect(try await wiring.depth(of: wiring.workQueue) == 0)

                writes.reset()
                try wiring.editConfiguration(
                    replacing: "output:\n", with: "  - name: medium\n    width: 200\n    format: jpeg\noutput:\n")
                #expect(try await wiring.backfill().enqueued == keys.count)
                try await wiring.runUntilIdle()
                #expect(writes.keys(in: wiring.thumbnails) == thumbnails("medium").sorted(), "only the new rendition")

                writes.reset()
                try wiring.editConfiguration(
                    replacing: "  - name: small\n    width: 150\n",
                    with: "  - name: small\n    width: 150\n    quality: 50\n"
                )
                #expect(try await wiring.backfill().enqueued == keys.count)
                try await wiring.runUntilIdle()
                #expect(
                    writes.keys(in: wiring.thumbnails) == thumbnails("small").sorted(), "only the changed rendition")
                #expect(try await wiring.backfill().enqueued == 0)
                try await wiring.expectQueuesEmpty()
            }
        }
    }

    @Test("a backfill killed half-way and run again with --resume enqueues every original, at most one page twice")
    func killedAndResumed() async throws {
        try await Emulator.withClients { aws in
            let wiring = try await Wiring.make(aws, notifiesFromBucket: false)
            let keys = try await wiring.uploadOriginals(Self.originals)
            // Paced, so the kill lands in the middle of the listing: 200 originals at 50 a second take 4 s.
            let killed = try RunningCommand(
                wiring.backfillArguments(["--max-rate", "50"]), in: wiring.folder, environment: wiring.environment)
            var pagesDone = 0
            for _ in 0..<1500 where pagesDone < 3 {
                try await Task.sleep(for: .milliseconds(20))
                pagesDone = (try? BackfillCheckpoint.load(from: wiring.checkpointPath))??.tally.pages ?? 0
            }
            killed.send(SIGKILL)
            _ = try await killed.result()
            let saved = try #require(try BackfillCheckpoint.load(from: wiring.checkpointPath))
            #expect(!saved.finished, "killed half-way: \(saved.tally)")
            #expect(saved.tally.pages >= 3)

            let resumed = try await wiring.backfill(["--resume"])
            // The tally carried in the checkpoint counts each original once, the redone page included.
            #expect(resumed.enqueued == keys.count)
            let enqueued = try await wiring.enqueuedKeys()
            #expect(Set(enqueued) == Set(keys), "no original skipped")
            #expect(enqueued.count - keys.count <= Self.pageSize, "at most one page enqueued twice")
            #expect(try BackfillCheckpoint.load(from: wiring.checkpointPath)?.finished == true)
        }
    }
}

/// The object keys of the PUT requests that went through the proxy, by bucket.
private final class WriteLog: Sendable {
    private let puts = Mutex<[String]>([])

    /// Records a PUT's path; lets every request through.
    func note(_ request: RecordedRequest) -> CannedResponse? {
        if request.method == "PUT" {
            puts.withLock { $0.append(request.path.removingPercentEncoding ?? request.path) }
        }
        return nil
    }

    /// The keys written to `bucket` since the last reset, sorted.
    func keys(in bucket: String) -> [String] {
        puts.withLock { $0 }.compactMap { path in
            path.hasPrefix("/\(bucket)/") ? String(path.dropFirst(bucket.count + 2)) : nil
        }.sorted()
    }

    /// Forgets what was written.
    func reset() {
        puts.withLock { $0.removeAll() }
    }
}

extension Wiring {
    /// The backfill's checkpoint file (the command's default, in the worker's folder).
    var checkpointPath: String { folder.appendingPathComponent("thumbworker-backfill.json").path }

    /// Puts `count` copies of a test image into the uploads bucket as `old/NNN.jpg`, a few at once; returns the keys.
    func uploadOriginals(_ count: Int) async throws -> [String] {
        let keys = (0..<count).map { "old/" + String(format: "%03d", $0) + ".jpg" }
        let body = try Testdata.bytes("landscape.jpg")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                if index >= 8 { try await group.next() }
                group.addTask {
                    _ = try await aws.s3.putObject(
                        .init(bucket: uploads, key: key, body: body), logger: Emulator.logger)
                }
            }
            try await group.waitForAll()
        }
        return keys
    }

    /// `thumbworker backfill` of the uploads bucket with the test's page size, a JSON summary and `extra` flags.
    func backfillArguments(_ extra: [String] = []) -> [String] {
        ["backfill", "s3://\(uploads)", "--config", "worker.conf", "--page-size", "\(BackfillEndToEndTests.pageSize)"]
            + ["--json"] + extra
    }

    /// Runs a backfill to its end and returns its summary's tally.
    func backfill(_ extra: [String] = []) async throws -> BackfillTally {
        let result = try await RunningCommand(backfillArguments(extra), in: folder, environment: environment).result()
        #expect(result.status == 0, "\(result.standardError)")
        struct Summary: Decodable { let tally: BackfillTally }
        return try JSONDecoder().decode(Summary.self, from: Data(result.standardOutput.utf8)).tally
    }

    /// Runs the worker until the queue is empty.
    func runUntilIdle() async throws {
        let run = try await run(["--exit-when-idle"]).result(within: .seconds(120))
        #expect(run.status == 0, "\(run.standardError)")
    }

    /// Replaces `text` in worker.conf, which must hold it.
    func editConfiguration(replacing text: String, with replacement: String) throws {
        let url = folder.appendingPathComponent("worker.conf")
        let configuration = try String(contentsOf: url, encoding: .utf8)
        try #require(configuration.contains(text), "worker.conf holds \(text)")
        try configuration.replacingOccurrences(of: text, with: replacement).write(
            to: url, atomically: true, encoding: .utf8)
    }

    /// Every message in the work queue, deleted as read: the object keys its S3 events name, duplicates kept.
    func enqueuedKeys() async throws -> [String] {
        try await takeMessages().flatMap { try S3EventParser.parse(body: $0).jobs.map(\.key) }
    }
}
