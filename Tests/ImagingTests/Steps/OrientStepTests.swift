import CVipsShim
import Testing

@testable import Imaging

@Suite("Step 3, orient: upright by the EXIF orientation")
struct OrientStepTests {
    @Test("every EXIF orientation comes out upright", arguments: 1...8)
    func orientation(_ tag: Int) async throws {
        let (result, image) = try await renderOne("orientation-\(tag).jpg", rendition(120))
        #expect(result.source.orientation == tag)
        #expect(result.source.width == 600 && result.source.height == 400)
        #expect(image.width == 120 && image.height == 80)
        #expect(image.showsUprightQuadrants, "pixels: \(image.pixel(atX: 0.25, y: 0.25))")
    }

    @Test("orientations 5–8 turn the picture a quarter, so its sides swap", arguments: 1...8)
    func uprightSize(_ tag: Int) {
        let size = OrientStep.uprightSize(width: 400, height: 600, orientation: tag)
        #expect(tag >= 5 ? size == (600, 400) : size == (400, 600))
    }

    @Test("the step's auto-rotate turns the decode upright and drops the tag; without it the picture lies on its side")
    func autoRotateIsTheStepsOption() async throws {
        // orientation-6.jpg decoded with `options` on the rendering pool: the decode's size and tag, and its pixels.
        func decodedOrientation6(
            _ options: ThumbVipsThumbnailOptions
        ) async throws -> (width: Int, height: Int, orientation: Int, pixels: DecodedImage) {
            try await offCooperativeThreads {
                let image = try decoded("orientation-6.jpg", options: options)
                return (image.width, image.height, image.orientation, try DecodedImage(image))
            }
        }
        var options = widthBox(120)
        DecodeStep.configure(&options, frames: 1)
        let sideways = try await decodedOrientation6(options)
        #expect(sideways.width == 120 && sideways.height == 180, "the stored 400×600")
        #expect(!sideways.pixels.showsUprightQuadrants)
        OrientStep.configure(&options)
        let upright = try await decodedOrientation6(options)
        #expect(upright.width == 120 && upright.height == 80)
        #expect(upright.orientation == 1)
        #expect(upright.pixels.showsUprightQuadrants)
    }
}
