import Testing

@testable import Imaging

@Suite("Step 6, pad: contain renditions centred on exactly their box")
struct PadStepTests {
    @Test("contain pads to exactly the box with the background")
    func contain() async throws {
        let (_, image) = try await renderOne(
            "landscape.jpg",
            rendition(200, 200) {
                $0.fit = .contain
                $0.background = RGBColor(red: 0, green: 255, blue: 0)
            })
        #expect(image.width == 200 && image.height == 200)
        #expect(image.isColour(atX: 0.5, y: 0.05, 0, 255, 0))
        #expect(image.isColour(atX: 0.25, y: 0.4, 255, 0, 0))
    }

    private static let magenta = RGBColor(red: 255, green: 0, blue: 255)
    private static let contain = rendition(200, 200) { $0.fit = .contain }

    @Test("the picture sits in the middle, with opaque background above and below, and keeps its own transparency")
    func padsAround() async throws {
        let (fitted, image) = try await offCooperativeThreads {
            let fitted = try decodedUpright("alpha.png", box: widthBox(200))
            let padded = try PadStep.pad(fitted, to: Self.contain, background: Self.magenta, failure: "test")
            return ((width: fitted.width, height: fitted.height), try DecodedImage(padded))
        }
        #expect(fitted.width == 200 && fitted.height == 150)
        #expect(image.width == 200 && image.height == 200)
        for y in [0.05, 0.95] {
            #expect(
                image.isColour(atX: 0.5, y: y, 255, 0, 255, tolerance: 0) && image.pixel(atX: 0.5, y: y).alpha == 255)
        }
        #expect(image.isColour(atX: 0.25, y: 0.5, 255, 0, 0) && image.pixel(atX: 0.25, y: 0.5).alpha == 255)
        #expect(image.pixel(atX: 0.75, y: 0.5).alpha == 0)
    }

    @Test("an image that fills its box, or a rendition that is not contain, is left as it is")
    func leavesOthersAlone() async throws {
        let cover = rendition(200, 200) { $0.fit = .cover }
        let exact = rendition(200, 133) { $0.fit = .contain }
        // Per rendition, whether the padded image is the decoded one itself.
        let kept = try await offCooperativeThreads {
            let square = try decodedUpright("landscape.jpg", box: widthBox(200))
            let isKept = { (spec: RenditionSpec) throws(ImagingError) in
                try PadStep.pad(square, to: spec, background: Self.magenta, failure: "test") === square
            }
            return (inside: try isKept(rendition(200)), cover: try isKept(cover), exact: try isKept(exact))
        }
        #expect(kept.inside)
        #expect(kept.cover)
        #expect(kept.exact)
    }
}
