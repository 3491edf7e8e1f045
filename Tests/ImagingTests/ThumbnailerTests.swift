import Imaging
import TestSupport
import Testing

@Suite("One decode, many renditions")
struct ThumbnailerStrategyTests {
    @Test("both strategies give the same sizes and pictures")
    func strategiesAgree() async throws {
        let renditions = [
            rendition(40, name: "small"),
            rendition(150, name: "medium") { $0.format = .webp },
            rendition(80, 80, name: "square") { $0.fit = .cover },
            rendition(300, 300, name: "large") { $0.fit = .contain },
        ]
        let thumbnailer = try thumbnailer()
        let once = try await thumbnailer.rendered(
            Testdata.bytes("orientation-6.jpg"), renditions: renditions, strategy: .decodeOnce)
        let each = try await thumbnailer.rendered(
            Testdata.bytes("orientation-6.jpg"), renditions: renditions, strategy: .decodePerRendition)
        #expect(once.renditions.map(\.name) == ["small", "medium", "square", "large"])
        for (a, b) in zip(once.renditions, each.renditions) {
            #expect(a.width == b.width && a.height == b.height && a.format == b.format)
            let image = try await DecodedImage.offCooperativeThreads(a.data)
            #expect(
                image.isColour(atX: 0.25, y: image.height == image.width && a.name == "large" ? 0.4 : 0.25, 255, 0, 0))
        }
        #expect(once.renditions.map(\.width) == [40, 150, 80, 300])
        #expect(once.timings.decode > 0 && each.timings.decode == 0)
    }

    @Test("a rendition reduced from a larger one keeps the picture and the order asked for")
    func cascadedRenditions() async throws {
        // `tiny` (40) is reduced from `thumb` (90, at least twice its size), `thumb` and `small` from `large`, which
        // is the intermediate itself; `large` removes metadata fields from its own copy of them.
        let renditions = [
            rendition(40, name: "tiny") { $0.metadata = .all },
            rendition(300, name: "large") { $0.metadata = .icc },
            rendition(150, name: "small"),
            rendition(90, name: "thumb"),
        ]
        let thumbnailer = try thumbnailer()
        let once = try await thumbnailer.rendered(
            Testdata.bytes("orientation-6.jpg"), renditions: renditions, strategy: .decodeOnce)
        let each = try await thumbnailer.rendered(
            Testdata.bytes("orientation-6.jpg"), renditions: renditions, strategy: .decodePerRendition)
        #expect(once.renditions.map(\.name) == ["tiny", "large", "small", "thumb"])
        #expect(once.renditions.map(\.width) == each.renditions.map(\.width))
        #expect(once.renditions.map(\.height) == each.renditions.map(\.height))
        for (cascaded, direct) in zip(once.renditions, each.renditions) {
            let (a, difference) = try await offCooperativeThreads {
                let (a, b) = (try DecodedImage(cascaded.data), try DecodedImage(direct.data))
                return (a, zip(a.rgba, b.rgba).map { abs(Int($0) - Int($1)) }.reduce(0, +))
            }
            #expect(a.showsUprightQuadrants, "\(cascaded.name): \(a)")
            #expect(Double(difference) / Double(a.rgba.count) < 3, "\(cascaded.name): mean difference per channel")
        }
    }
}
