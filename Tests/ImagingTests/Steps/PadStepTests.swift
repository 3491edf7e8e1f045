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
    func padsAround() throws {
        let fitted = try decodedUpright("alpha.png", box: widthBox(200))
        #expect(fitted.width == 200 && fitted.height == 150)
        let padded = try PadStep.pad(fitted, to: Self.contain, background: Self.magenta, failure: "test")
        let image = try DecodedImage(padded)
        #expect(image.width == 200 && image.height == 200)
        for y in [0.05, 0.95] {
            #expect(
                image.isColour(atX: 0.5, y: y, 255, 0, 255, tolerance: 0) && image.pixel(atX: 0.5, y: y).alpha == 255)
        }
        #expect(image.isColour(atX: 0.25, y: 0.5, 255, 0, 0) && image.pixel(atX: 0.25, y: 0.5).alpha == 255)
        #expect(image.pixel(atX: 0.75, y: 0.5).alpha == 0)
    }

    @Test("an image that fills its box, or a rendition that is not contain, is left as it is")
    func leavesOthersAlone() throws {
        let square = try decodedUpright("landscape.jpg", box: widthBox(200))
        #expect(try PadStep.pad(square, to: rendition(200), background: Self.magenta, failure: "test") === square)
        let cover = rendition(200, 200) { $0.fit = .cover }
        #expect(try PadStep.pad(square, to: cover, background: Self.magenta, failure: "test") === square)
        let exact = rendition(200, 133) { $0.fit = .contain }
        #expect(try PadStep.pad(square, to: exact, background: Self.magenta, failure: "test") === square)
    }
}
