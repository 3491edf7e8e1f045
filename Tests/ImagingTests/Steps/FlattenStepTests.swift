import Testing

@testable import Imaging

@Suite("Step 7, flatten: transparency onto the background for JPEG")
struct FlattenStepTests {
    @Test("transparency is flattened onto the background for JPEG")
    func flattening() async throws {
        let (_, white) = try await renderOne("alpha.png", rendition(200))
        #expect(white.isColour(atX: 0.25, y: 0.5, 255, 0, 0))
        #expect(white.isColour(atX: 0.75, y: 0.5, 255, 255, 255))
        let (_, black) = try await renderOne(
            "alpha.png",
            rendition(200) {
                $0.background = RGBColor(red: 0, green: 0, blue: 0)
            })
        #expect(black.isColour(atX: 0.75, y: 0.5, 0, 0, 0))
        let (_, configured) = try await renderOne(
            "alpha.png", rendition(200),
            settings: {
                $0.background = RGBColor(red: 0, green: 0, blue: 255)
            })
        #expect(configured.isColour(atX: 0.75, y: 0.5, 0, 0, 255))
    }

    private static let blue = RGBColor(red: 0, green: 0, blue: 255)

    @Test("for JPEG the alpha band goes and the transparent half becomes the background")
    func flattensForJPEG() throws {
        let transparent = try decodedUpright("alpha.png", box: widthBox(200))
        let flat = try FlattenStep.flatten(transparent, for: .jpeg, background: Self.blue, failure: "test")
        #expect(!flat.hasAlpha)
        let image = try DecodedImage(flat)
        #expect(image.width == 200 && image.height == 150)
        #expect(image.isColour(atX: 0.25, y: 0.5, 255, 0, 0, tolerance: 0))
        #expect(image.isColour(atX: 0.75, y: 0.5, 0, 0, 255, tolerance: 0))
    }

    @Test("formats that keep alpha, and opaque images, are left as they are")
    func leavesOthersAlone() throws {
        let transparent = try decodedUpright("alpha.png", box: widthBox(200))
        for format in [ImageFormat.png, .webp, .avif, .gif] {
            #expect(
                try FlattenStep.flatten(transparent, for: format, background: Self.blue, failure: "t") === transparent)
        }
        let opaque = try decodedUpright("landscape.jpg", box: widthBox(200))
        #expect(try FlattenStep.flatten(opaque, for: .jpeg, background: Self.blue, failure: "test") === opaque)
    }
}
