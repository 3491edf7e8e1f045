import Imaging
import Synchronization
import TestSupport
import Testing
import WorkerCore

/// An upload processor deleting on remove, making `small` (JPEG) and `large` (WebP) into `thumbs`, named by `template`.
private func processor(store: InMemoryObjectStore, template: String = "{name}/{key}.{ext}") throws -> UploadProcessor {
    var configuration = WorkerConfiguration()
    var small = RenditionSpec(name: "small", width: 64)
    small.format = .jpeg
    var large = RenditionSpec(name: "large", width: 200)
    large.format = .webp
    configuration.renditions = [small, large]
    configuration.keyTemplate = try KeyTemplate(template)
    configuration.concurrency = 1
    return UploadProcessor(
        pipeline: try ThumbnailPipeline(settings: configuration.pipelineSettings),
        destination: OutputLocation(store: store, bucket: "thumbs"), workerID: "test", deletesOnRemove: true)
}

/// The upload of `key` with S3's ordering token.
private func created(_ key: String, sequencer: String) -> ObjectCreatedEvent {
    var event = ObjectCreatedEvent(bucket: "uploads", key: key)
    event.sequencer = sequencer
    return event
}

/// The removal of `key` with S3's ordering token.
private func removed(_ key: String, sequencer: String?) -> ObjectRemovedEvent {
    ObjectRemovedEvent(bucket: "uploads", key: key, sequencer: sequencer, eventName: "ObjectRemoved:Delete")
}

@Suite("Delete on remove: thumbnails of a removed original")
struct ThumbnailRemovalTests {
    @Test("a removed original's thumbnails are deleted and listed in a thumbnails.deleted event")
    func removedOriginal() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let processor = try processor(store: store)
        _ = await processor.process(created("cat.jpg", sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        let eTag = store.object("uploads", "cat.jpg")?.eTag
        try await store.delete(bucket: "uploads", key: "cat.jpg")
        store.add("thumbs", "small/dog.jpg.jpeg", [1, 2, 3])

        let outcome = await processor.remove(removed("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        guard case .deleted(let event) = outcome else { throw Failure("expected deleted, got \(outcome)") }
        #expect(event.type == ThumbnailEvent.deletedType)
        #expect(event.source.key == "cat.jpg" && event.source.eTag == eTag, "the version whose thumbnails went")
        #expect(event.renditions?.map(\.key) == ["small/cat.jpg.jpeg", "large/cat.jpg.webp"])
        #expect(event.renditions?.map(\.format) == [.jpeg, .webp])
        #expect(event.renditions?.first?.width == 64)
        #expect(event.id != nil)
        #expect(store.keys(in: "thumbs") == ["small/dog.jpg.jpeg"], "another original's thumbnail stays")
    }

    @Test("an original that still exists (an older version was removed) keeps its thumbnails")
    func originalStillExists() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let processor = try processor(store: store)
        _ = await processor.process(created("cat.jpg", sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        let puts = store.putCount

        let outcome = await processor.remove(removed("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        guard case .skipped(let reason) = outcome else { throw Failure("expected a skip, got \(outcome)") }
        #expect(reason.contains("still exists") && reason.contains("current"))
        #expect(store.keys(in: "thumbs") == ["large/cat.jpg.webp", "small/cat.jpg.jpeg"])
        #expect(store.putCount == puts, "nothing rendered")
    }

    @Test("an original that exists again with other bytes, before the removal is handled, is rendered")
    func reuploadedBeforeTheRemoval() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let processor = try processor(store: store)
        _ = await processor.process(created("cat.jpg", sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        store.add("uploads", "cat.jpg", try Testdata.bytes("orientation-6.jpg"))

        let outcome = await processor.remove(removed("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        #expect(outcome.event?.type == ThumbnailEvent.readyType)
        let small = try #require(store.object("thumbs", "small/cat.jpg.jpeg"))
        #expect(RecordedThumbnail(metadata: small.metadata).version.eTag == store.object("uploads", "cat.jpg")?.eTag)
    }

    @Test("thumbnails made from a later upload than the one removed are kept, though the original is gone now")
    func laterThumbnailsKept() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let processor = try processor(store: store)
        _ = await processor.process(created("cat.jpg", sequencer: "0C"), in: store, attempt: 1, logger: .quiet)
        try await store.delete(bucket: "uploads", key: "cat.jpg")

        // Sequencers of different lengths compare as numbers: 0B < 0C.
        let outcome = await processor.remove(removed("cat.jpg", sequencer: "B"), in: store, attempt: 1, logger: .quiet)
        guard case .skipped(let reason) = outcome else { throw Failure("expected a skip, got \(outcome)") }
        #expect(reason.contains("later upload"))
        #expect(store.keys(in: "thumbs").count == 2)
    }

    @Test("a re-upload landing while the thumbnails are deleted is rendered, so its thumbnails are back")
    func reuploadRacingTheDeletion() async throws {
        let reupload = Mutex<(@Sendable () -> Void)?>(nil)
        let store = InMemoryObjectStore { (operation, _) in
            if operation == "delete" { reupload.withLock { $0?() } }
        }
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let processor = try processor(store: store)
        _ = await processor.process(created("cat.jpg", sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        try await store.delete(bucket: "uploads", key: "cat.jpg")
        let other = try Testdata.bytes("orientation-6.jpg")
        reupload.withLock { $0 = { [store] in store.add("uploads", "cat.jpg", other) } }

        let outcome = await processor.remove(removed("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        reupload.withLock { $0 = nil }
        #expect(outcome.event?.type == ThumbnailEvent.readyType)
        #expect(outcome.event?.timings != nil, "rendered again")
        #expect(store.keys(in: "thumbs") == ["large/cat.jpg.webp", "small/cat.jpg.jpeg"])
        let small = try #require(store.object("thumbs", "small/cat.jpg.jpeg"))
        #expect(RecordedThumbnail(metadata: small.metadata).version.eTag == store.object("uploads", "cat.jpg")?.eTag)
    }

    @Test("keys known only after rendering are found by listing and matched by their metadata")
    func sizeDependentKeys() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        store.add("uploads", "cat-2.jpg", try Testdata.bytes("landscape.jpg"))
        let processor = try processor(store: store, template: "{name}/{stem}-{width}x{height}.{ext}")
        for key in ["cat.jpg", "cat-2.jpg"] {
            _ = await processor.process(created(key, sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        }
        try await store.delete(bucket: "uploads", key: "cat.jpg")

        let outcome = await processor.remove(removed("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        #expect(outcome.event?.type == ThumbnailEvent.deletedType)
        #expect(outcome.event?.renditions?.map(\.key) == ["small/cat-64x43.jpeg", "large/cat-200x133.webp"])
        #expect(store.keys(in: "thumbs") == ["large/cat-2-200x133.webp", "small/cat-2-64x43.jpeg"])
    }

    @Test("a failing delete is retried: the message comes back and nothing is notified as deleted")
    func failingDeleteRetries() async throws {
        let store = InMemoryObjectStore { (operation, key) throws(WorkerError) in
            if operation == "delete" && key.hasPrefix("large/") {
                throw WorkerError(.storage, "503 from the store", retryable: true)
            }
        }
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let processor = try processor(store: store)
        _ = await processor.process(created("cat.jpg", sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        try await store.delete(bucket: "uploads", key: "cat.jpg")

        let result = await processor.remove(removed("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        guard case .retry(let event) = result else { throw Failure("expected a retry, got \(result)") }
        #expect(event.error?.code == "storage")
        #expect(store.keys(in: "thumbs") == ["large/cat.jpg.webp"], "the next delivery deletes the rest")
    }
}

@Suite("Delete on remove: the message handler")
struct RemovalMessageTests {
    @Test(
        "a remove event is skipped with delete_on_remove off, and deletes and notifies with it on",
        arguments: [false, true])
    func handlerHonoursTheOption(deletes: Bool) async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        var processor = try processor(store: store)
        processor.deletesOnRemove = deletes
        _ = await processor.process(created("cat.jpg", sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        try await store.delete(bucket: "uploads", key: "cat.jpg")
        let notifier = RecordingNotifier()
        let handler = MessageHandler(
            processor: processor, sourceStore: store, notifier: notifier, queue: InMemoryQueue(),
            settings: ConsumerSettings())
        let body = """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectRemoved:Delete",\
            "s3":{"bucket":{"name":"uploads"},"object":{"key":"cat.jpg","sequencer":"0B"}}}]}
            """
        let message = QueueMessage(id: "m1", body: body, receiptHandle: "h1", receiveCount: 1, sentAt: nil)
        #expect(await handler.handle(message, logger: .quiet) == .delete)
        #expect(notifier.events.map(\.type) == (deletes ? [ThumbnailEvent.deletedType] : []))
        #expect(store.keys(in: "thumbs").count == (deletes ? 0 : 2))
    }
}

/// A test failure with a message.
private struct Failure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
