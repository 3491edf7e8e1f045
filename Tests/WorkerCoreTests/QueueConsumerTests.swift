import Foundation
import Imaging
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import TestSupport
import Testing
import WorkerCore

/// A plain S3 notification for one object, its key form-encoded as S3 does.
private func s3Event(bucket: String = "uploads", key: String) -> String {
    let encodedKey = key.addingPercentEncoding(
        withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~/ ")))!
        .replacingOccurrences(of: " ", with: "+")
    return """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-24T10:00:00.000Z",
        "eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"\(bucket)"},"object":{"key":"\(encodedKey)","size":1}}}]}
        """
}

/// The worker's parts wired to in-memory fakes.
private struct Harness {
    let uploads = InMemoryObjectStore()
    let queue: InMemoryQueue
    let notifier: RecordingNotifier
    let handler: MessageHandler
    var settings: ConsumerSettings

    init(
        notifier: RecordingNotifier = RecordingNotifier(), store: InMemoryObjectStore? = nil,
        exactQueue: Bool = false, configure: (inout ConsumerSettings) -> Void = { _ in }
    ) throws {
        queue = InMemoryQueue(emptyReceiveIsExact: exactQueue)
        var settings = ConsumerSettings()
        settings.wait = .milliseconds(20)
        configure(&settings)
        self.settings = settings
        self.notifier = notifier
        var configuration = WorkerConfiguration()
        configuration.concurrency = 1
        let pipeline = try ThumbnailPipeline(settings: configuration.pipelineSettings)
        let storage = store ?? uploads
        let processor = UploadProcessor(
            pipeline: pipeline, destination: OutputLocation(store: storage, bucket: "thumbs"),
            sourceBuckets: ["uploads"], workerID: "test-worker")
        handler = MessageHandler(
            processor: processor, sourceStore: storage, notifier: notifier, queue: queue, settings: settings)
    }

    func handle(_ body: String, receiveCount: Int = 1) async -> MessageHandler.Disposition {
        let message = QueueMessage(id: "m1", body: body, receiptHandle: "h1", receiveCount: receiveCount, sentAt: nil)
        return await handler.handle(message, logger: .quiet)
    }
}

@Suite("One message: gate, render, write, notify, decide")
struct MessageHandlerTests {
    @Test("the same upload delivered twice notifies twice with the same id, the second time reusing the thumbnails")
    func duplicateDeliveryKeepsTheID() async throws {
        let harness = try Harness()
        harness.uploads.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        #expect(await harness.handle(s3Event(key: "cat.jpg")) == .delete)
        #expect(await harness.handle(s3Event(key: "cat.jpg"), receiveCount: 2) == .delete)
        let events = harness.notifier.events
        #expect(events.count == 2 && events[1].timings == nil, "the second delivery reused the thumbnails")
        #expect(events[0].id != nil && events[0].id == events[1].id)
    }

    @Test("an upload becomes thumbnails with Content-Type and metadata, a ready event, and deletion")
    func ready() async throws {
        let harness = try Harness()
        harness.uploads.add("uploads", "in/my photo é.jpg", try Testdata.bytes("landscape.jpg"))
        #expect(await harness.handle(s3Event(key: "in/my photo é.jpg")) == .delete)
        let thumbnail = try #require(harness.uploads.object("thumbs", "in/my photo é.jpg.jpeg"))
        #expect(thumbnail.contentType == "image/jpeg")
        #expect(thumbnail.cacheControl == "public, max-age=86400")
        #expect(thumbnail.metadata[ThumbnailMetadata.generatorKey] == ThumbnailMetadata.generator)
        #expect(thumbnail.metadata[ThumbnailMetadata.sourceKeyKey] == "in/my photo %C3%A9.jpg")
        let event = try #require(harness.notifier.events.first)
        #expect(event.type == ThumbnailEvent.readyType && event.imageId == "in/my photo é.jpg")
        #expect(event.source.width == 600 && event.source.format == .jpeg)
        #expect(event.renditions?.first?.key == "in/my photo é.jpg.jpeg" && event.renditions?.first?.width == 150)
        #expect(event.placeholder != nil)
    }

    @Test("a duplicate delivery reuses the current thumbnails instead of writing new ones")
    func duplicate() async throws {
        let harness = try Harness()
        harness.uploads.add("uploads", "cat.png", try Testdata.bytes("alpha.png"))
        #expect(await harness.handle(s3Event(key: "cat.png")) == .delete)
        let puts = harness.uploads.putCount
        #expect(await harness.handle(s3Event(key: "cat.png"), receiveCount: 2) == .delete)
        #expect(harness.uploads.putCount == puts)
        #expect(harness.notifier.events.count == 2)
        #expect(harness.notifier.events[1].renditions == harness.notifier.events[0].renditions)
    }

    @Test("a corrupt image is reported as failed and deleted, or left for the dead-letter queue")
    func permanentFailure() async throws {
        let harness = try Harness()
        harness.uploads.add("uploads", "broken.jpg", try Testdata.bytes("truncated.jpg"))
        #expect(await harness.handle(s3Event(key: "broken.jpg"), receiveCount: 3) == .delete)
        let event = try #require(harness.notifier.events.first)
        #expect(event.type == ThumbnailEvent.failedType && event.error?.code == "corrupt" && event.attempt == 3)
        #expect(event.error?.retryable == false)
        #expect(harness.uploads.keys(in: "thumbs").isEmpty)

        let keeping = try Harness { $0.permanentFailures = .deadLetter }
        keeping.uploads.add("uploads", "bomb.png", try Testdata.bytes("bomb.png"))
        #expect(await keeping.handle(s3Event(key: "bomb.png")) == .leaveForDeadLetter)
        #expect(keeping.notifier.events.first?.error?.code == "tooManyPixels")
    }

    @Test("a transient storage failure brings the message back later, with a growing delay, and notifies nothing")
    func transientFailure() async throws {
        let store = InMemoryObjectStore { operation, _ throws(WorkerError) in
            if operation == "get" { throw WorkerError(.inputUnreadable, "S3 answered 503 SlowDown", retryable: true) }
        }
        store.add("uploads", "a.jpg", try Testdata.bytes("landscape.jpg"))
        let harness = try Harness(store: store)
        guard case .retryLater(let first) = await harness.handle(s3Event(key: "a.jpg"), receiveCount: 1),
            case .retryLater(let later) = await harness.handle(s3Event(key: "a.jpg"), receiveCount: 6)
        else {
            Issue.record("a transient failure did not ask for a retry")
            return
        }
        #expect(first <= .seconds(10) && later > .seconds(10))
        #expect(harness.notifier.events.isEmpty)
    }

    @Test("a transient failure on the last receive before the redrive is notified as failed, retryable, naming the DLQ")
    func lastReceiveBeforeTheDeadLetterQueue() async throws {
        let store = InMemoryObjectStore { operation, _ throws(WorkerError) in
            if operation == "head" { throw WorkerError(.storage, "HEAD answered 503", retryable: true) }
        }
        store.add("uploads", "a.jpg", try Testdata.bytes("landscape.jpg"))
        let harness = try Harness(store: store) { $0.deadLetterAfterReceives = 3 }
        guard case .retryLater = await harness.handle(s3Event(key: "a.jpg"), receiveCount: 2) else {
            Issue.record("a transient failure did not ask for a retry")
            return
        }
        #expect(harness.notifier.events.isEmpty, "receives left: nothing to tell yet")
        guard case .retryLater = await harness.handle(s3Event(key: "a.jpg"), receiveCount: 3) else {
            Issue.record("the last receive should still leave the move to the queue's redrive")
            return
        }
        let event = try #require(harness.notifier.events.first)
        #expect(event.type == ThumbnailEvent.failedType && event.error?.retryable == true && event.attempt == 3)
        #expect(event.error?.message.contains("receive 3 of 3") == true, "\(event.error?.message ?? "")")
        #expect(event.error?.message.contains("dead-letter queue") == true)
    }

    @Test("an unreachable notifier brings the message back; the thumbnails stay")
    func notifierDown() async throws {
        let harness = try Harness(
            notifier: RecordingNotifier(failing: WorkerError(.outputUnwritable, "webhook down", retryable: true)))
        harness.uploads.add("uploads", "a.jpg", try Testdata.bytes("landscape.jpg"))
        guard case .retryLater = await harness.handle(s3Event(key: "a.jpg")) else {
            Issue.record("expected a retry")
            return
        }
        #expect(harness.uploads.object("thumbs", "a.jpg.jpeg") != nil)
    }

    @Test("bodies that are not S3 events are left for the dead-letter queue, never deleted")
    func garbage() async throws {
        let harness = try Harness()
        #expect(await harness.handle("this is not json") == .leaveForDeadLetter)
        #expect(await harness.handle(#"{"hello":"world"}"#) == .leaveForDeadLetter)
        #expect(harness.notifier.events.isEmpty)
    }

    @Test("test events, our own outputs, other buckets and vanished objects")
    func skipsAndMissing() async throws {
        let harness = try Harness()
        #expect(
            await harness.handle(
                #"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-24T10:00:00.000Z","Bucket":"uploads"}"#)
                == .delete)
        harness.uploads.add(
            "uploads", "made-by-us.jpg", try Testdata.bytes("landscape.jpg"),
            metadata: [ThumbnailMetadata.generatorKey: "thumbworker/1"])
        #expect(await harness.handle(s3Event(key: "made-by-us.jpg")) == .delete)
        #expect(await harness.handle(s3Event(bucket: "elsewhere", key: "x.jpg")) == .delete)
        #expect(harness.notifier.events.isEmpty)
        #expect(await harness.handle(s3Event(key: "gone.jpg")) == .delete)
        #expect(harness.notifier.events.first?.error?.code == "notFound")
    }
}

@Suite("The consumer service")
struct QueueConsumerTests {
    @Test("receives, handles and batch-deletes; stops on graceful shutdown", .timeLimit(.minutes(1)))
    func consumesUntilShutdown() async throws {
        let harness = try Harness()
        for index in 0..<5 {
            harness.uploads.add("uploads", "p\(index).jpg", try Testdata.bytes("landscape.jpg"))
            _ = harness.queue.add(body: s3Event(key: "p\(index).jpg"))
        }
        let consumer = QueueConsumer(
            queue: harness.queue, handler: harness.handler, settings: harness.settings,
            logger: .quiet)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await consumer.run() }
                await harness.queue.waitForDeletes(5)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(harness.queue.deletedIDs.count == 5)
        #expect(harness.notifier.events.count == 5)
        #expect(harness.uploads.keys(in: "thumbs").count == 5)
    }

    @Test("on SIGTERM an SQS-like long poll is let finish, and the message it brings is released, not hidden")
    func shutdownLetsTheLongPollFinish() async throws {
        let queue = LongPollQueue()
        // A long poll far longer than a loaded machine's pause between the shutdown and the message's arrival.
        let harness = try Harness { $0.wait = .seconds(20) }
        let consumer = QueueConsumer(
            queue: queue, handler: harness.handler, settings: harness.settings,
            logger: .quiet)
        var late = ""
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await consumer.run() }
                // Once the consumer's first receive waits (20 s) on an empty queue: shut down, then a message arrives.
                await queue.waitForPoll()
                trigger.triggerGracefulShutdown()
                late = queue.messages.add(body: s3Event(key: "late.jpg"))
                try await group.waitForAll()
            }
        }
        #expect(queue.hiddenByAbandonedPolls.isEmpty, "no receive was abandoned")
        #expect(queue.messages.visibilityChanges.map(\.id) == [late])
        #expect(queue.messages.visibilityChanges.first?.timeout == .zero, "released for another worker at once")
        #expect(queue.messages.deletedIDs.isEmpty && harness.notifier.events.isEmpty, "not handled while stopping")
    }

    @Test(
        "a slow message does not hold back the next: the slot its batch companion frees is used while it still runs",
        .timeLimit(.minutes(1)))
    func slowMessageKeepsSlotsMoving() async throws {
        let notifier = RecordingNotifier(holding: "slow.jpg")
        let harness = try Harness(notifier: notifier) { $0.maxInFlight = 2 }
        for key in ["slow.jpg", "fast.jpg", "later.jpg"] {
            harness.uploads.add("uploads", key, try Testdata.bytes("landscape.jpg"))
        }
        _ = harness.queue.add(body: s3Event(key: "slow.jpg"))
        _ = harness.queue.add(body: s3Event(key: "fast.jpg"))
        let consumer = QueueConsumer(
            queue: harness.queue, handler: harness.handler, settings: harness.settings,
            logger: .quiet)
        let notified = { (key: String) in notifier.events.contains { $0.source.key == key } }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await consumer.run() }
                await notifier.waitForEvent(key: "fast.jpg")
                _ = harness.queue.add(body: s3Event(key: "later.jpg"))
                await notifier.waitForEvent(key: "later.jpg")
                #expect(
                    notified("later.jpg") && !notified("slow.jpg"), "the later message ran while the slow one was held")
                notifier.release()
                await harness.queue.waitForDeletes(3)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(harness.queue.deletedIDs.count == 3)
    }

    @Test(
        "at the drain timeout a job stuck on the imaging thread is abandoned: released, nothing written",
        .timeLimit(.minutes(1)))
    func drainTimeoutAbandonsAStuckJob() async throws {
        let (gets, got) = AsyncStream.makeStream(of: Void.self)
        let uploads = InMemoryObjectStore { operation, _ in if operation == "get" { got.yield() } }
        let harness = try Harness(store: uploads) { $0.drainTimeout = .milliseconds(200) }
        uploads.add("uploads", "stuck.jpg", try Testdata.bytes("landscape.jpg"))
        let id = harness.queue.add(body: s3Event(key: "stuck.jpg"))
        // The pool's one thread is held, as by a decode libvips cannot interrupt, until the consumer has ended.
        let pool = harness.handler.processor.pipeline.pool
        let (started, holding) = AsyncStream.makeStream(of: Void.self)
        let release = DispatchSemaphore(value: 0)
        let holder = Task {
            await pool.run {
                holding.yield()
                _ = release.wait(timeout: .now() + 60)
            }
        }
        for await _ in started { break }
        let consumer = QueueConsumer(
            queue: harness.queue, handler: harness.handler, settings: harness.settings,
            logger: .quiet)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await consumer.run() }
                for await _ in gets { break }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(harness.queue.visibilityChanges.map(\.id) == [id], "the stuck message is released")
        #expect(harness.queue.visibilityChanges.first?.timeout == .zero)
        #expect(harness.queue.deletedIDs.isEmpty && harness.notifier.events.isEmpty)
        #expect(uploads.keys(in: "thumbs").isEmpty, "an abandoned job writes nothing")
        release.signal()
        _ = await holder.value
    }

    @Test(
        "with stopsWhenIdle, a message that turns visible just after an empty receive is handled, not left behind",
        .timeLimit(.minutes(1)))
    func idleCheckCountsVisibleMessages() async throws {
        let queue = LateVisibleQueue()
        let harness = try Harness { $0.stopsWhenIdle = true }
        harness.uploads.add("uploads", "late.jpg", try Testdata.bytes("landscape.jpg"))
        let id = queue.messages.add(body: s3Event(key: "late.jpg"))
        let consumer = QueueConsumer(
            queue: queue, handler: harness.handler, settings: harness.settings,
            logger: .quiet)
        try await testGracefulShutdown { _ in try await consumer.run() }
        #expect(queue.messages.deletedIDs == [id], "the consumer did not stop while a message was visible")
        #expect(harness.notifier.events.map(\.source.key) == ["late.jpg"])
    }

    @Test(
        "with stopsWhenIdle, a queue whose empty receives are exact is asked for short looks, not the long poll",
        .timeLimit(.minutes(1)), arguments: [true, false])
    func idleDrainLooksBriefly(exact: Bool) async throws {
        let harness = try Harness(exactQueue: exact) {
            $0.stopsWhenIdle = true
            $0.wait = .seconds(20)
        }
        harness.uploads.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let id = harness.queue.add(body: s3Event(key: "cat.jpg"))
        let consumer = QueueConsumer(
            queue: harness.queue, handler: harness.handler, settings: harness.settings, logger: .quiet)
        try await testGracefulShutdown { _ in try await consumer.run() }
        #expect(harness.queue.deletedIDs == [id], "the message was handled before the consumer stopped")
        let expected: Duration = exact ? QueueConsumer.idleDrainWait : .seconds(20)
        #expect(!harness.queue.receiveWaits.isEmpty)
        #expect(harness.queue.receiveWaits.allSatisfy { $0 == expected }, "waits: \(harness.queue.receiveWaits)")
    }
}
