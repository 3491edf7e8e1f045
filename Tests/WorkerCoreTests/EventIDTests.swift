import Testing
import WorkerCore

@Suite("Event ids for deduplication")
struct EventIDTests {
    private let source = ThumbnailEvent.Source(bucket: "uploads", key: "in/cat.jpg", eTag: "9b2c")

    private func id(
        _ type: String = ThumbnailEvent.readyType, retryable: Bool? = nil, eTag: String? = "9b2c",
        renditions: [String] = ["small", "large"]
    ) -> String {
        var source = source
        source.eTag = eTag
        return ThumbnailEvent.deduplicationID(
            type: type, retryable: retryable, source: source, renditionNames: renditions)
    }

    @Test("the same outcome always gets the same id, whatever the order of the renditions, on any machine")
    func stable() {
        #expect(id() == id(renditions: ["large", "small"]))
        #expect(id().count == 32 && id().allSatisfy(\.isHexDigit))
        // Pinned (and checked with an independent FNV-1a in Python): receivers keep ids across worker versions.
        #expect(id() == "8bd5b8acc8e518aff83db87a7059e706")
    }

    @Test("a retryable failure, a final one and the ready event differ, and so do new sources and rendition sets")
    func distinct() {
        let ids = [
            id(), id(ThumbnailEvent.failedType, retryable: true), id(ThumbnailEvent.failedType, retryable: false),
            id(eTag: "77aa"), id(eTag: nil), id(renditions: ["small"]), id(renditions: ["smalll", "arge"]),
        ]
        #expect(Set(ids).count == ids.count, "\(ids)")
    }
}
