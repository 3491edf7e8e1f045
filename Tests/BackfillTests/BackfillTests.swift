import Backfill
import Foundation
import Imaging
import LocalBackend
import Synchronization
import TestSupport
import Testing
import WorkerCore

/// A local backend in a temporary folder: buckets as folders, a SQLite queue, and the worker's pipeline.
private struct LocalBackfill {
    let folder: URL
    let store: LocalFolderStore
    let queue: SQLiteMessageQueue
    let destination: OutputLocation
    var renditions: [RenditionSpec]

    init(folder: URL) throws {
        self.folder = folder
        store = LocalFolderStore(root: folder.appending(path: "buckets").path)
        queue = try SQLiteMessageQueue(path: folder.appending(path: "queue.sqlite").path)
        destination = OutputLocation(store: store, bucket: "thumbnails")
        var small = RenditionSpec(name: "small", width: 48)
        small.format = .jpeg
        var large = RenditionSpec(name: "large", width: 96)
        large.format = .webp
        renditions = [small, large]
    }

    /// Puts `count` copies of a test image into `uploads` as `photos/NNN.jpg`; returns their keys.
    @discardableResult
    func addOriginals(_ count: Int, prefix: String = "photos/", fileExtension: String = "jpg") async throws -> [String]
    {
        let body = try Testdata.bytes("landscape.jpg")
        var keys: [String] = []
        for index in 0..<count {
            let key = prefix + String(format: "%03d", index) + "." + fileExtension
            try await store.put(
                ObjectUpload(
                    bucket: "uploads", key: key, body: body, contentType: "image/jpeg", cacheControl: nil,
                    metadata: [:]))
            keys.append(key)
        }
        return keys
    }

    /// The pipeline for today's renditions.
    func pipeline() throws -> ThumbnailPipeline {
        var configuration = WorkerConfiguration()
        configuration.renditions = renditions
        configuration.keyTemplate = try KeyTemplate("{name}/{key}.{ext}")
        configuration.concurrency = 1
        return try ThumbnailPipeline(settings: configuration.pipelineSettings)
    }

    /// A backfill of `uploads` with `configure` applied to its options.
    func backfill(
        _ action: (ThumbnailPipeline) -> Backfill.Action, configure: (inout Backfill.Options) -> Void = { _ in }
    ) throws -> Backfill {
        var options = Backfill.Options(bucket: "uploads")
        options.pageSize = 7
        configure(&options)
        let pipeline = try pipeline()
        return Backfill(
            store: store, pipeline: pipeline, destination: destination, action: action(pipeline), options: options,
            logger: .quiet)
    }

    /// The job path rendering into the destination.
    func processor(_ pipeline: ThumbnailPipeline) -> UploadProcessor {
        UploadProcessor(pipeline: pipeline, destination: destination, workerID: "test")
    }

    /// The checkpoint file of the test's backfills.
    var checkpointPath: String { folder.appending(path: "checkpoint.json").path }

    /// Runs `backfill` from `start` (default: a new checkpoint), saving each checkpoint to `checkpointPath` as the
    /// command does, except that save number `failingSave` fails instead, as a crash there would; returns the final
    /// checkpoint and every one saved.
    func run(
        _ backfill: Backfill, from start: BackfillCheckpoint? = nil, failingAtSave failingSave: Int? = nil
    ) async throws(BackfillError) -> (final: BackfillCheckpoint, saved: [BackfillCheckpoint]) {
        let saved = Mutex<[BackfillCheckpoint]>([])
        let path = checkpointPath
        let final = try await backfill.run(
            from: start ?? BackfillCheckpoint(bucket: "uploads", prefix: backfill.options.prefix, filters: ""),
            save: { (checkpoint) throws(BackfillError) in
                let count = saved.withLock { $0.count + 1 }
                if count == failingSave { throw BackfillError(.checkpointUnusable, "the test stops here") }
                try checkpoint.save(to: path)
                saved.withLock { $0.append(checkpoint) }
            },
            progress: { _ in })
        return (final, saved.withLock { $0 })
    }

    /// Every message in the queue, removed from it; their object keys.
    func drainQueue() async throws -> [String] {
        var keys: [String] = []
        while true {
            let messages = try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(60))
            if messages.isEmpty { return keys }
            for message in messages {
                keys += try S3EventParser.parse(body: message.body).jobs.map(\.key)
            }
            _ = try await queue.delete(messages)
        }
    }

    /// Renders every enqueued original through the job path, as the fleet would; returns their keys.
    func renderEnqueued() async throws -> [String] {
        let keys = try await drainQueue()
        let processor = processor(try pipeline())
        for key in keys {
            _ = await processor.process(
                ObjectCreatedEvent(bucket: "uploads", key: key), in: store, attempt: 1, logger: .quiet)
        }
        return keys
    }
}

@Suite("Backfill: list, skip what is current, enqueue or render the rest, resume, prune")
struct BackfillTests {
    @Test("enqueue over several pages, then nothing once the fleet has rendered every original")
    func enqueueThenNothing() async throws {
        try await TemporaryFolder.with { folder in
            var local = try LocalBackfill(folder: folder)
            let keys = try await local.addOriginals(25)
            let (first, saved) = try await local.run(try local.backfill { _ in .enqueue(local.queue) })
            #expect(
                first.finished && first.tally.listed == 25 && first.tally.enqueued == 25 && first.tally.current == 0)
            #expect(saved.count == 4 && first.tally.pages == 4, "25 objects in pages of 7")
            #expect(saved.map(\.after) == ["photos/006.jpg", "photos/013.jpg", "photos/020.jpg", "photos/024.jpg"])
            #expect(try await local.renderEnqueued().sorted() == keys)
            #expect(try await local.store.head(bucket: "thumbnails", key: "large/photos/024.jpg.webp") != nil)

            let (second, _) = try await local.run(try local.backfill { _ in .enqueue(local.queue) })
            #expect(second.tally.current == 25 && second.tally.enqueued == 0)
            #expect(try await local.queue.approximateDepth() == 0)

            local.renditions[0].quality = 50
            let (changed, _) = try await local.run(try local.backfill { _ in .enqueue(local.queue) })
            #expect(changed.tally.enqueued == 25, "a changed rendition makes every original lack it")
        }
    }

    @Test("stopped after two pages' checkpoints, --resume enqueues every original and at most one page twice")
    func resumeSkipsNothing() async throws {
        try await TemporaryFolder.with { folder in
            let local = try LocalBackfill(folder: folder)
            let keys = try await local.addOriginals(25)
            await #expect(throws: BackfillError.self) {
                try await local.run(try local.backfill { _ in .enqueue(local.queue) }, failingAtSave: 3)
            }
            let crashed = try await local.drainQueue()
            #expect(crashed.sorted() == Array(keys[..<21]), "the third page was enqueued before its checkpoint failed")
            let saved = try #require(try BackfillCheckpoint.load(from: local.checkpointPath))
            #expect(saved.after == "photos/013.jpg" && saved.tally.enqueued == 14 && !saved.finished)

            let (resumed, _) = try await local.run(try local.backfill { _ in .enqueue(local.queue) }, from: saved)
            let after = try await local.drainQueue()
            #expect(after.sorted() == Array(keys[14...]), "from the key after the checkpoint to the end")
            #expect(Set(crashed + after) == Set(keys), "no original skipped")
            #expect(crashed.count + after.count - keys.count == 7, "one page twice")
            #expect(resumed.finished && resumed.tally.enqueued == 25 && resumed.tally.listed == 25)
        }
    }

    @Test("--process renders here; a second run finds every original current")
    func processRendersHere() async throws {
        try await TemporaryFolder.with { folder in
            let local = try LocalBackfill(folder: folder)
            try await local.addOriginals(9)
            let (first, _) = try await local.run(try local.backfill { .process(local.processor($0)) })
            #expect(first.tally.rendered == 9 && first.tally.failed == 0)
            #expect(try await local.store.head(bucket: "thumbnails", key: "small/photos/008.jpg.jpeg") != nil)
            let (second, _) = try await local.run(try local.backfill { .process(local.processor($0)) })
            #expect(second.tally.current == 9 && second.tally.rendered == 0)
            #expect(try await local.queue.approximateDepth() == 0, "nothing was enqueued")
        }
    }

    @Test("a broken original is counted as failed and the rest go on")
    func brokenOriginalFails() async throws {
        try await TemporaryFolder.with { folder in
            let local = try LocalBackfill(folder: folder)
            try await local.addOriginals(3)
            try await local.store.put(
                ObjectUpload(
                    bucket: "uploads", key: "photos/broken.jpg", body: try Testdata.bytes("truncated.jpg"),
                    contentType: "image/jpeg", cacheControl: nil, metadata: [:]))
            let (result, _) = try await local.run(try local.backfill { .process(local.processor($0)) })
            #expect(result.tally.rendered == 3 && result.tally.failed == 1 && result.finished)
        }
    }

    @Test("--match, --since and --until leave the other originals out; --dry-run changes nothing")
    func filtersAndDryRun() async throws {
        try await TemporaryFolder.with { folder in
            let local = try LocalBackfill(folder: folder)
            try await local.addOriginals(5)
            try await local.addOriginals(4, prefix: "other/", fileExtension: "png")
            let old = Date(timeIntervalSince1970: 1_000_000_000)
            let path = folder.appending(path: "buckets/uploads/photos/000.jpg").path
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)

            let (matched, _) = try await local.run(
                try local.backfill({ _ in .enqueue(local.queue) }) {
                    $0.match = KeyPattern("*.png")
                    $0.dryRun = true
                })
            #expect(matched.tally.enqueued == 4 && matched.tally.filteredOut == 5)
            #expect(matched.tally.bytes == 4 * (try Testdata.bytes("landscape.jpg").count))
            #expect(try await local.queue.approximateDepth() == 0, "a dry run enqueues nothing")

            let (recent, _) = try await local.run(
                try local.backfill({ _ in .enqueue(local.queue) }) { $0.since = old.addingTimeInterval(1) })
            #expect(recent.tally.enqueued == 8 && recent.tally.filteredOut == 1)
            let (older, _) = try await local.run(
                try local.backfill({ _ in .enqueue(local.queue) }) { $0.until = old.addingTimeInterval(1) })
            #expect(older.tally.enqueued == 1)
        }
    }

    @Test("--prune deletes thumbnails of a removed rendition only; a dry run counts them")
    func pruneRemovedRendition() async throws {
        try await TemporaryFolder.with { folder in
            var local = try LocalBackfill(folder: folder)
            try await local.addOriginals(8)
            _ = try await local.run(try local.backfill { .process(local.processor($0)) })
            local.renditions.removeLast()
            let (dry, _) = try await local.run(
                try local.backfill({ .process(local.processor($0)) }) {
                    $0.prune = true
                    $0.dryRun = true
                })
            #expect(dry.tally.pruned == 8 && dry.tally.current == 8)
            #expect(try await local.store.head(bucket: "thumbnails", key: "large/photos/000.jpg.webp") != nil)
            let (pruned, _) = try await local.run(
                try local.backfill({ .process(local.processor($0)) }) { $0.prune = true })
            #expect(pruned.tally.pruned == 8)
            #expect(try await local.store.head(bucket: "thumbnails", key: "large/photos/000.jpg.webp") == nil)
            #expect(try await local.store.head(bucket: "thumbnails", key: "small/photos/000.jpg.jpeg") != nil)
        }
    }
}

@Suite("Backfill's small parts")
struct BackfillPartsTests {
    @Test("a glob matches whole keys: * any run (slashes too), ? one character")
    func keyPattern() {
        #expect(KeyPattern("*.jpg").matches("in/a/b.jpg"))
        #expect(!KeyPattern("*.jpg").matches("in/a/b.jpeg"))
        #expect(KeyPattern("in/*/b?.png").matches("in/x/y/b1.png"))
        #expect(!KeyPattern("in/*/b?.png").matches("in/x/b12.png"))
        #expect(KeyPattern("*").matches("") && KeyPattern("a*b*c").matches("aXbYbZc"))
        #expect(!KeyPattern("a*b*c").matches("aXbYbZ"))
    }

    @Test("a checkpoint round-trips through its file and refuses another backfill's resume")
    func checkpointFile() async throws {
        try await TemporaryFolder.with { folder in
            let path = folder.appending(path: "checkpoint.json").path
            #expect(try BackfillCheckpoint.load(from: path) == nil)
            var tally = BackfillTally()
            tally.enqueued = 7
            let checkpoint = BackfillCheckpoint(
                bucket: "uploads", prefix: "in/", filters: "match *.jpg", after: "in/b.jpg", tally: tally,
                written: Date(timeIntervalSince1970: 1_764_000_000))
            try checkpoint.save(to: path)
            #expect(try BackfillCheckpoint.load(from: path) == checkpoint)
            #expect(checkpoint.mismatch(bucket: "uploads", prefix: "in/", filters: "match *.jpg") == nil)
            #expect(checkpoint.mismatch(bucket: "other", prefix: "in/", filters: "match *.jpg") != nil)
            #expect(checkpoint.mismatch(bucket: "uploads", prefix: "in/", filters: "") != nil)
            try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: BackfillError.self) { try BackfillCheckpoint.load(from: path) }
        }
    }
}
