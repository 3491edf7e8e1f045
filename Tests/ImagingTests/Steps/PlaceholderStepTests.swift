import Foundation
import TestSupport
import Testing

@testable import Imaging

@Suite("Step 9, placeholder: ThumbHash and dominant colour")
struct PlaceholderStepTests {
    @Test("the placeholder carries a ThumbHash and the dominant colour")
    func placeholder() async throws {
        let result = try await thumbnailer().rendered(Testdata.bytes("alpha.png"), renditions: [rendition(50)])
        let placeholder = try #require(result.placeholder)
        #expect(placeholder.dominantColor == "#ff0000")
        let hash = try #require(Data(base64Encoded: placeholder.thumbHash))
        #expect(hash.count >= 5)
        let disabled = try await thumbnailer { $0.placeholder = false }
            .rendered(Testdata.bytes("alpha.png"), renditions: [rendition(50)])
        #expect(disabled.placeholder == nil)
    }

    @Test("only the first frame counts, even when the decode holds every frame of an animation")
    func firstFrame() async throws {
        let (stack, placeholder) = try await offCooperativeThreads {
            let stack = try decodedUpright("animated.gif", box: widthBox(120), frames: 3)
            let placeholder = try PlaceholderStep(background: RGBColor(red: 0, green: 0, blue: 0)).run(stack)
            return ((height: stack.height, pageHeight: stack.pageHeight), placeholder)
        }
        #expect(stack.height == 3 * stack.pageHeight)
        #expect(placeholder.dominantColor == "#ff0000", "the frames are red, green, blue")
        let hash = try #require(Data(base64Encoded: placeholder.thumbHash))
        #expect(hash.count >= 5)
    }

    @Test("the placeholder's own small decode, decoding per rendition, finds the same colour as the shared decode")
    func ownDecodeAgrees() async throws {
        let renditions = [rendition(300)]
        for file in ["alpha.png", "orientation-6.jpg"] {
            let once = try await thumbnailer().rendered(
                Testdata.bytes(file), renditions: renditions, strategy: .decodeOnce)
            let each = try await thumbnailer().rendered(
                Testdata.bytes(file), renditions: renditions, strategy: .decodePerRendition)
            #expect(once.placeholder?.dominantColor == each.placeholder?.dominantColor, "\(file)")
            #expect(each.timings.placeholder > 0)
        }
    }

    @Test(
        "from the shared decode, the placeholder reads the smallest rendition of the whole picture at least 100 px across",
        arguments: [(150, "small"), (64, "large")])
    func readsSmallestRendition(_ smallWidth: Int, _ expectedSource: String) async throws {
        let png = { (width: Int, name: String) in rendition(width, name: name) { $0.format = .png } }
        let photo = try Testdata.bytes("landscape.jpg")
        let result = try await thumbnailer().rendered(photo, renditions: [png(600, "large"), png(smallWidth, "small")])
        let source = try #require(result.renditions.first { $0.name == expectedSource })
        // That rendition's PNG decodes to the very pixels it was encoded from, and fits its own box exactly, so its
        // own placeholder is computed from those pixels.
        let alone = try await thumbnailer().rendered(source.data, renditions: [png(source.width, "alone")])
        #expect(result.placeholder != nil)
        #expect(result.placeholder == alone.placeholder)
    }
}
