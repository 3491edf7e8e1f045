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
    func flattensForJPEG() async throws {
        let (flatHasAlpha, image) = try await offCooperativeThreads {
            let transparent = try decodedUpright("alpha.png", box: widthBox(200))
            let flat = try FlattenStep.flatten(transparent, for: .jpeg, background: Self.blue, failure: "test")
            return (flat.hasAlpha, try DecodedImage(flat))
        }
        #expect(!flatHasAlpha)
        #expect(image.width == 200 && image.height == 150)
        #expect(image.isColour(atX: 0.25, y: 0.5, 255, 0, 0, tolerance: 0))
        #expect(image.isColour(atX: 0.75, y: 0.5, 0, 0, 255, tolerance: 0))
    }

    @Test("formats that keep alpha, and opaque images, are left as they are")
    func leavesOthersAlone() async throws {
        // Per format, whether the transparent image came back as it was; and whether the opaque one did for JPEG.
        let (transparentKept, opaqueKept) = try await offCooperativeThreads {
            let transparent = try decodedUpright("alpha.png", box: widthBox(200))
            let transparentKept = try [ImageFormat.png, .webp, .avif, .gif].map { format in
                (
                    format,
                    try FlattenStep.flatten(transparent, for: format, background: Self.blue, failure: "t")
                        === transparent
                )
            }
            let opaque = try decodedUpright("landscape.jpg", box: widthBox(200))
            return (
                transparentKept,
                try FlattenStep.flatten(opaque, for: .jpeg, background: Self.blue, failure: "test") === opaque
            )
        }
        for (format, kept) in transparentKept {
            #expect(kept, "\(format)")
        }
        #expect(opaqueKept)
    }
}
