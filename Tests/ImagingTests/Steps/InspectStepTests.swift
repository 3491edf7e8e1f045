import TestSupport
import Testing

@testable import Imaging

@Suite("Step 1, inspect: hostile and broken inputs fail with a code, before decoding")
struct InspectStepTests {
    /// The code a testdata file fails with through every step, nil when it renders.
    private func code(
        of file: String, _ configure: (inout ImagingSettings) -> Void = { _ in }
    ) async throws -> ImagingError.Code? {
        var settings = ImagingSettings()
        configure(&settings)
        let data = try Testdata.bytes(file)
        do {
            _ = try await Thumbnailer(settings: settings).rendered(
                data, renditions: [RenditionSpec(name: "t", width: 100)])
            return nil
        } catch let error as ImagingError {
            #expect(!error.isRetryable)
            #expect(!error.message.isEmpty)
            return error.code
        }
    }

    /// Step 1 alone on a testdata file.
    private func inspect(
        _ file: String, framesWanted: Int = 1, _ configure: (inout ImagingLimits) -> Void = { _ in }
    ) throws -> SourceInfo {
        var limits = ImagingLimits()
        configure(&limits)
        _ = try Thumbnailer()
        return try InspectStep(limits: limits).run(Testdata.bytes(file), framesWanted: framesWanted)
    }

    @Test("the header gives the upright size, the frames, alpha, profile and progressive scan")
    func headerFields() throws {
        let sideways = try inspect("orientation-6.jpg")
        #expect(sideways.format == .jpeg && sideways.orientation == 6 && sideways.bytes > 0)
        #expect(sideways.width == 600 && sideways.height == 400, "stored 400×600, shown 600×400")
        #expect(!sideways.hasAlpha && !sideways.hasProfile && !sideways.isProgressive)
        let animation = try inspect("animated.gif", framesWanted: 3)
        #expect(animation.format == .gif && animation.frames == 3)
        #expect(animation.width == 120 && animation.height == 80, "one frame's height, not the stack's")
        #expect(try inspect("alpha.png").hasAlpha)
        #expect(try inspect("cmyk-profile.jpg").hasProfile && !(try inspect("cmyk-noprofile.jpg").hasProfile))
        #expect(try inspect("progressive.jpg").isProgressive)
    }

    @Test("the pixel limit counts the frames the renditions decode, not every frame in the file")
    func framesCountTowardPixels() throws {
        let twoFrames = 120 * 80 * 2
        #expect(try inspect("animated.gif", framesWanted: 2) { $0.maxPixels = twoFrames }.frames == 3)
        let error = try #require(throws: ImagingError.self) {
            try inspect("animated.gif", framesWanted: 3) { $0.maxPixels = twoFrames }
        }
        #expect(error.code == .tooManyPixels)
        #expect(
            error.message
                == "the image is 120×80 pixels × 3 frames (28800 pixels); the limit is 19200 pixels (limits.max_pixels)"
        )
    }

    @Test(
        "each broken input gets its own code",
        arguments: [
            ("empty.jpg", ImagingError.Code.empty),
            ("text.jpg", .unsupportedFormat),
            ("truncated.jpg", .corrupt),
            ("bomb.png", .tooManyPixels),
            ("vector.svg", .untrustedFormat),
        ])
    func brokenInputs(_ file: String, _ expected: ImagingError.Code) async throws {
        #expect(try await code(of: file) == expected)
    }

    @Test("the pixel bomb is refused by its header, before any pixel is decoded")
    func bombIsRefusedByHeader() throws {
        let thumbnailer = try Thumbnailer()
        let bomb = try Testdata.bytes("bomb.png")
        #expect(bomb.count < 1024)
        do throws(ImagingError) {
            _ = try thumbnailer.inspect(bomb)
            Issue.record("the bomb passed inspection")
        } catch {
            #expect(error.code == .tooManyPixels)
            #expect(error.message.contains("50000×50000"))
        }
    }

    @Test("limits come from the settings")
    func configuredLimits() async throws {
        #expect(try await code(of: "landscape.jpg") { $0.limits.maxInputBytes = 1000 } == .tooLarge)
        #expect(try await code(of: "landscape.jpg") { $0.limits.maxPixels = 600 * 400 - 1 } == .tooManyPixels)
        #expect(try await code(of: "landscape.jpg") { $0.limits.maxPixels = 600 * 400 } == nil)
        #expect(try await code(of: "many-frames.gif") { $0.limits.maxFrames = 100 } == .tooManyFrames)
        #expect(try await code(of: "alpha.png") { $0.limits.allowedFormats = [.jpeg] } == .unsupportedFormat)
    }

    @Test("an allowed untrusted format is decoded")
    func allowedSVG() async throws {
        var settings = ImagingSettings()
        settings.limits.allowedFormats.insert(.svg)
        let result = try await Thumbnailer(settings: settings)
            .rendered(Testdata.bytes("vector.svg"), renditions: [RenditionSpec(name: "t", width: 100)])
        let image = try await DecodedImage.offCooperativeThreads(result.renditions[0].data)
        #expect(result.source.format == .svg)
        #expect(image.isColour(atX: 0.5, y: 0.5, 255, 0, 0))
    }

    /// libvips picks its loader by the magic bytes too, so the PNG loader gets the JPEG body and cannot read a header.
    @Test("a file whose magic bytes lie is refused as a broken header of the format it claims")
    func mismatchedContent() async throws {
        var bytes = try Testdata.bytes("landscape.jpg")
        bytes.replaceSubrange(0..<8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let error = try await #require(throws: ImagingError.self) {
            try await Thumbnailer().rendered(bytes, renditions: [RenditionSpec(name: "t", width: 100)])
        }
        #expect(error.code == .corrupt)
        #expect(error.message == "the png header cannot be read")
    }

    @Test(
        "each testdata file is recognised by its magic bytes",
        arguments: [
            ("landscape.jpg", ImageFormat.jpeg), ("alpha.png", .png), ("alpha.webp", .webp), ("animated.gif", .gif),
            ("photo.tiff", .tiff), ("photo.heic", .heic), ("photo.avif", .avif), ("vector.svg", .svg),
        ])
    func sniffing(_ file: String, _ format: ImageFormat) throws {
        #expect(ImageFormat(sniffing: try Testdata.bytes(file)) == format)
    }

    @Test("text and empty files are not images")
    func notImages() throws {
        #expect(ImageFormat(sniffing: try Testdata.bytes("text.jpg")) == nil)
        #expect(ImageFormat(sniffing: [UInt8]()) == nil)
    }

    @Test("a progressive JPEG is estimated far above the same picture as a baseline JPEG")
    func progressiveCostsMore() throws {
        let thumbnailer = try Thumbnailer()
        let baseline = try thumbnailer.inspect(Testdata.bytes("landscape.jpg"))
        let progressive = try thumbnailer.inspect(Testdata.bytes("progressive.jpg"))
        #expect(!baseline.isProgressive && progressive.isProgressive)
        #expect(
            progressive.estimatedDecodeBytes(framesWanted: 1) - baseline.estimatedDecodeBytes(framesWanted: 1) == 600
                * 400 * 4)
        let animation = try thumbnailer.inspect(Testdata.bytes("animated.gif"), framesWanted: 3)
        #expect(animation.frames >= 3)
        #expect(
            animation.estimatedDecodeBytes(framesWanted: 1) == (8 << 20) + 120 * 80 * 4,
            "one frame decoded, whatever the file holds")
        #expect(animation.estimatedDecodeBytes(framesWanted: 3) == (8 << 20) + 120 * 80 * 4 * 3)
    }
}
