import CVipsShim
import Testing

@testable import Imaging

@Suite("Step 2, decode: one decode, shrunk on load, that fails on damage")
struct DecodeStepTests {
    @Test(
        "every input format decodes to the same picture",
        arguments: [
            "landscape.jpg", "progressive.jpg", "photo.webp", "photo.tiff", "photo.gif", "photo.avif",
            "photo.heic", "deep16.png",
        ])
    func inputFormats(_ file: String) async throws {
        let (_, image) = try await renderOne(file, rendition(150))
        #expect(image.width == 150 && image.height == 100)
        #expect(image.showsUprightQuadrants)
    }

    @Test("the shared decode's box is what the largest rendition needs of the upright source, never more")
    func sharedBox() throws {
        let landscape = try source(of: "orientation-6.jpg")
        let box = DecodeStep.sharedBox(for: [rendition(150), rendition(300, name: "large")], source: landscape)
        #expect(box.width == 300 && box.height == Int32(VIPS_MAX_COORD), "600×400 upright: the width decides")
        #expect(box.size == Int32(VIPS_SIZE_DOWN.rawValue) && box.crop == Int32(VIPS_INTERESTING_NONE.rawValue))
        #expect(DecodeStep.sharedBox(for: [rendition(1000) { $0.upscale = true }], source: landscape).width == 600)
        #expect(DecodeStep.sharedBox(for: [rendition(80, 80) { $0.fit = .cover }], source: landscape).width == 120)
        let tall = try source(of: "tall.png")
        let tallBox = DecodeStep.sharedBox(for: [rendition(100)], source: tall)
        #expect(tallBox.width == Int32(VIPS_MAX_COORD) && tallBox.height == 400, "200×800: the height decides")
    }

    @Test("the shared decode comes out at the box's size, upright, with the frames the renditions keep")
    func sharedDecode() async throws {
        let landscape = try source(of: "landscape.jpg")
        let box = DecodeStep.sharedBox(for: [rendition(150), rendition(90)], source: landscape)
        let image = try await offCooperativeThreads { try DecodedImage(decodedUpright("landscape.jpg", box: box)) }
        #expect(image.width == 150 && image.height == 100)
        #expect(image.showsUprightQuadrants)

        let animation = try source(of: "animated.gif", framesWanted: 3)
        let animated = rendition(60) {
            $0.format = .gif
            $0.animated = true
            $0.maxFrames = 2
        }
        let frames = DecodeStep.sharedFrames(for: [rendition(60), animated], source: animation)
        #expect(frames == 2)
        #expect(DecodeStep.sharedFrames(for: [rendition(60)], source: animation) == 1)
        #expect(DecodeStep.sharedFrames(for: [rendition(60) { $0.animated = true }], source: animation) == 3)
        let (stack, pixels) = try await offCooperativeThreads {
            let stack = try decodedUpright("animated.gif", box: widthBox(120), frames: frames)
            return ((width: stack.width, pageHeight: stack.pageHeight, height: stack.height), try DecodedImage(stack))
        }
        #expect(stack.width == 120 && stack.pageHeight == 80 && stack.height == 160)
        #expect(pixels.isColour(atX: 0.5, y: 0.25, 255, 0, 0) && pixels.isColour(atX: 0.5, y: 0.75, 0, 255, 0))
    }

    @Test("the step's fail-on-error makes a truncated file an error, where libvips alone would fill it with grey")
    func damageIsAnError() async throws {
        var options = widthBox(600)
        DecodeStep.configure(&options, frames: 1)
        do {
            try await offCooperativeThreads { [options] in
                _ = try decoded(
                    "truncated.jpg", options: options, failure: DecodeStep.failure(source(of: "truncated.jpg")))
            }
            Issue.record("the truncated JPEG decoded")
        } catch let error as ImagingError {
            #expect(error.code == .corrupt)
            #expect(error.message == "the jpeg image cannot be decoded")
            #expect(error.libvipsMessage?.contains("VipsJpeg") == true)
        }
        options.fail_on_error = 0
        let lenient = try await offCooperativeThreads { [options] in
            try DecodedImage(decoded("truncated.jpg", options: options))
        }
        #expect(lenient.isColour(atX: 0.25, y: 0.25, 255, 0, 0), "the rows that arrived are there")
        #expect(lenient.isColour(atX: 0.75, y: 0.9, 128, 128, 128), "the rest is grey, not white")
    }
}
