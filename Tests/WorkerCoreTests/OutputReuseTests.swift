import Imaging
import TestSupport
import Testing
import WorkerCore

/// An upload processor making two renditions, `small` (JPEG) and `large` (WebP), into the `thumbs` bucket of `store`.
private func processor(
    store: InMemoryObjectStore, change: (inout [RenditionSpec]) -> Void = { _ in }
) throws -> UploadProcessor {
    var configuration = WorkerConfiguration()
    var small = RenditionSpec(name: "small", width: 64)
    small.format = .jpeg
    var large = RenditionSpec(name: "large", width: 200)
    large.format = .webp
    configuration.renditions = [small, large]
    change(&configuration.renditions)
    configuration.keyTemplate = try KeyTemplate("{name}/{key}.{ext}")
    configuration.concurrency = 1
    return UploadProcessor(
        pipeline: try ThumbnailPipeline(settings: configuration.pipelineSettings),
        destination: OutputLocation(store: store, bucket: "thumbs"), workerID: "test")
}

/// The upload event for `key` in `uploads`, with S3's ordering token when given.
private func upload(_ key: String, sequencer: String? = nil) -> ObjectCreatedEvent {
    var event = ObjectCreatedEvent(bucket: "uploads", key: key)
    event.sequencer = sequencer
    return event
}

@Suite("Reuse of current thumbnails, rendition by rendition")
struct OutputReuseTests {
    @Test("each thumbnail records its source version, its rendition and its spec fingerprint")
    func metadataRecordsWhatMadeIt() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let outcome = try await processor(store: store).process(
            upload("cat.jpg", sequencer: "0055AED6DCD90281E5"), in: store, attempt: 1, logger: .quiet)
        #expect(outcome.event?.type == ThumbnailEvent.readyType)
        let small = try #require(store.object("thumbs", "small/cat.jpg.jpeg"))
        let recorded = RecordedThumbnail(metadata: small.metadata)
        #expect(recorded.sourceKey == "cat.jpg" && recorded.sourceBucket == "uploads" && recorded.rendition == "small")
        #expect(recorded.version.eTag == store.object("uploads", "cat.jpg")?.eTag)
        #expect(recorded.version.sequencer == "0055AED6DCD90281E5")
        var spec = RenditionSpec(name: "small", width: 64)
        spec.format = .jpeg
        #expect(recorded.spec == spec.fingerprint(with: ImagingSettings()))
        #expect(recorded.size?.width == 64)
    }

    @Test("changing one rendition's quality re-renders that rendition only, from one download")
    func changedSpecRendersOnlyThatRendition() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        _ = try await processor(store: store).process(upload("cat.jpg"), in: store, attempt: 1, logger: .quiet)
        let smallBefore = try #require(store.object("thumbs", "small/cat.jpg.jpeg"))
        let largeBefore = try #require(store.object("thumbs", "large/cat.jpg.webp"))
        let (puts, gets) = (store.putCount, store.getCount)

        let changed = try processor(store: store) { $0[1].quality = 40 }
        let outcome = await changed.process(upload("cat.jpg"), in: store, attempt: 2, logger: .quiet)
        #expect(store.putCount == puts + 1, "only the changed rendition is written")
        #expect(store.getCount == gets + 1)
        #expect(store.object("thumbs", "small/cat.jpg.jpeg")?.metadata == smallBefore.metadata)
        let largeAfter = try #require(store.object("thumbs", "large/cat.jpg.webp"))
        #expect(largeAfter.body != largeBefore.body)
        #expect(RecordedThumbnail(metadata: largeAfter.metadata).spec == changed.pipeline.fingerprints["large"])
        #expect(outcome.event?.renditions?.map(\.name) == ["small", "large"], "the event lists every rendition")

        let again = await changed.process(upload("cat.jpg"), in: store, attempt: 3, logger: .quiet)
        #expect(store.putCount == puts + 1 && again.event?.timings == nil, "now both are current")
    }

    @Test("a new rendition is rendered alone; the others are kept")
    func addedRenditionRendersAlone() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        _ = try await processor(store: store).process(upload("cat.jpg"), in: store, attempt: 1, logger: .quiet)
        let puts = store.putCount
        let wider = try processor(store: store) { $0.append(RenditionSpec(name: "medium", width: 120)) }
        let outcome = await wider.process(upload("cat.jpg"), in: store, attempt: 1, logger: .quiet)
        #expect(store.putCount == puts + 1)
        #expect(store.object("thumbs", "medium/cat.jpg.jpeg") != nil)
        #expect(outcome.event?.renditions?.map(\.name) == ["small", "large", "medium"])
    }

    @Test("a changed original, or a later upload event of the same bytes, renders every rendition again")
    func newSourceVersionRendersAll() async throws {
        let store = InMemoryObjectStore()
        store.add("uploads", "cat.jpg", try Testdata.bytes("landscape.jpg"))
        let renditions = try processor(store: store)
        _ = await renditions.process(upload("cat.jpg", sequencer: "0A"), in: store, attempt: 1, logger: .quiet)
        var puts = store.putCount

        _ = await renditions.process(upload("cat.jpg", sequencer: "0A"), in: store, attempt: 2, logger: .quiet)
        #expect(store.putCount == puts, "a duplicate delivery reuses both")
        _ = await renditions.process(upload("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        #expect(store.putCount == puts + 2, "a later event is rendered again, recording its sequencer")
        puts = store.putCount

        store.add("uploads", "cat.jpg", try Testdata.bytes("wide.jpg"))
        _ = await renditions.process(upload("cat.jpg", sequencer: "0B"), in: store, attempt: 1, logger: .quiet)
        #expect(store.putCount == puts + 2)
    }

    @Test("sequencers compare as hex numbers, the shorter left-padded with zeros")
    func sequencerOrder() {
        #expect(Sequencer.isLater("0055AED6DCD90281E6", than: "0055AED6DCD90281E5"))
        #expect(!Sequencer.isLater("0055AED6DCD90281E5", than: "0055AED6DCD90281E5"))
        #expect(Sequencer.isLater("10", than: "F"))
        #expect(Sequencer.isLater("0b", than: "0A"))
        #expect(!Sequencer.isLater("F", than: "10"))
    }

    @Test("metadata values round-trip through the ASCII encoding, and a broken one reads as nil")
    func metadataEncodingRoundTrips() {
        for text in ["in/my photo é.jpg", "100%", "日本/写真.png", ""] {
            #expect(ThumbnailMetadata.decoded(ThumbnailMetadata.encoded(text)) == text)
        }
        #expect(ThumbnailMetadata.decoded("50%") == nil)
        #expect(ThumbnailMetadata.decoded("%FF") == nil, "not UTF-8")
    }
}
