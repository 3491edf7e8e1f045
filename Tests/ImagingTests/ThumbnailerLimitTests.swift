import Imaging
import Testing

@Suite("Hostile and broken inputs fail with a code, before decoding")
struct ThumbnailerLimitTests {
    private func code(
        of file: String, _ configure: (inout ImagingSettings) -> Void = { _ in }
    ) throws -> ImagingError.Code? {
        var settings = ImagingSettings()
        configure(&settings)
        let data = try testdata(file)
        do throws(ImagingError) {
            _ = try Thumbnailer(settings: settings).render(data, renditions: [RenditionSpec(name: "t", width: 100)])
            return nil
        } catch {
            #expect(!error.isRetryable)
            #expect(!error.message.isEmpty)
            return error.code
        }
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
    func brokenInputs(_ file: String, _ expected: ImagingError.Code) throws {
        #expect(try code(of: file) == expected)
    }

    @Test("the pixel bomb is refused by its header, before any pixel is decoded")
    func bombIsRefusedByHeader() throws {
        let thumbnailer = try Thumbnailer()
        let bomb = try testdata("bomb.png")
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
    func configuredLimits() throws {
        #expect(try code(of: "landscape.jpg") { $0.limits.maxInputBytes = 1000 } == .tooLarge)
        #expect(try code(of: "landscape.jpg") { $0.limits.maxPixels = 600 * 400 - 1 } == .tooManyPixels)
        #expect(try code(of: "landscape.jpg") { $0.limits.maxPixels = 600 * 400 } == nil)
        #expect(try code(of: "many-frames.gif") { $0.limits.maxFrames = 100 } == .tooManyFrames)
        #expect(try code(of: "alpha.png") { $0.limits.allowedFormats = [.jpeg] } == .unsupportedFormat)
    }

    @Test("an allowed untrusted format is decoded")
    func allowedSVG() throws {
        var settings = ImagingSettings()
        settings.limits.allowedFormats.insert(.svg)
        let result = try Thumbnailer(settings: settings)
            .render(testdata("vector.svg"), renditions: [RenditionSpec(name: "t", width: 100)])
        let image = try DecodedImage(result.renditions[0].data)
        #expect(result.source.format == .svg)
        #expect(image.isColour(atX: 0.5, y: 0.5, 255, 0, 0))
    }

    @Test("a file whose magic bytes lie is refused")
    func mismatchedContent() throws {
        var bytes = try testdata("landscape.jpg")
        bytes.replaceSubrange(0..<8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(throws: ImagingError.self) {
            try Thumbnailer().render(bytes, renditions: [RenditionSpec(name: "t", width: 100)])
        }
    }
}

/// A rendition with a box of `width` × `height`, adjusted by `configure`.
private func rendition(
    _ name: String, _ width: Int?, _ height: Int? = nil, _ configure: (inout RenditionSpec) -> Void = { _ in }
) -> RenditionSpec {
    var spec = RenditionSpec(name: name, width: width, height: height)
    configure(&spec)
    return spec
}

@Suite("Rendition specifications are checked before they are used")
struct RenditionSpecTests {
    @Test("a spec with every field set is valid")
    func everyField() throws {
        let spec = rendition("small", 320, 240) {
            $0.fit = .cover
            $0.gravity = .attention
            $0.format = .webp
            $0.quality = 75
            $0.upscale = true
            $0.metadata = .icc
            $0.progressive = true
            $0.background = RGBColor(red: 0x10, green: 0x20, blue: 0x30)
            $0.animated = true
            $0.maxFrames = 12
        }
        #expect(spec.problems().isEmpty)
        #expect(rendition("h", nil, 90).problems().isEmpty)
        #expect(rendition("w", 90).problems().isEmpty)
    }

    @Test(
        "bad specifications name the field",
        arguments: [
            (rendition("small", 0, 10), "width 0"),
            (rendition("small", 100) { $0.fit = .cover }, "needs both width and height"),
            (rendition("small", 100) { $0.quality = 101 }, "quality 101"),
            (
                rendition("small", 100) {
                    $0.format = .jpeg
                    $0.animated = true
                }, "animated output needs format webp or gif"
            ),
            (rendition("bad name", 100), "rendition name"),
        ])
    func badSpecs(_ spec: RenditionSpec, _ fragment: String) {
        let problems = spec.problems()
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains(fragment) == true, "\(problems)")
    }
}

@Suite("Formats are recognised by their magic bytes")
struct ImageFormatTests {
    @Test(
        "each testdata file is recognised",
        arguments: [
            ("landscape.jpg", ImageFormat.jpeg), ("alpha.png", .png), ("alpha.webp", .webp), ("animated.gif", .gif),
            ("photo.tiff", .tiff), ("photo.heic", .heic), ("photo.avif", .avif), ("vector.svg", .svg),
        ])
    func sniffing(_ file: String, _ format: ImageFormat) throws {
        #expect(ImageFormat(sniffing: try testdata(file)) == format)
    }

    @Test("text and empty files are not images")
    func notImages() throws {
        #expect(ImageFormat(sniffing: try testdata("text.jpg")) == nil)
        #expect(ImageFormat(sniffing: [UInt8]()) == nil)
    }
}

@Suite("Decode memory is estimated from the header")
struct DecodeMemoryEstimateTests {
    @Test("a progressive JPEG is estimated far above the same picture as a baseline JPEG")
    func progressiveCostsMore() throws {
        let thumbnailer = try Thumbnailer()
        let baseline = try thumbnailer.inspect(testdata("landscape.jpg"))
        let progressive = try thumbnailer.inspect(testdata("progressive.jpg"))
        #expect(!baseline.isProgressive && progressive.isProgressive)
        #expect(
            progressive.estimatedDecodeBytes(framesWanted: 1) - baseline.estimatedDecodeBytes(framesWanted: 1) == 600
                * 400 * 14)
        let animation = try thumbnailer.inspect(testdata("animated.gif"), framesWanted: 3)
        #expect(animation.frames >= 3)
        #expect(
            animation.estimatedDecodeBytes(framesWanted: 1) == (8 << 20) + 120 * 80 * 4,
            "one frame decoded, whatever the file holds")
        #expect(animation.estimatedDecodeBytes(framesWanted: 3) == (8 << 20) + 120 * 80 * 4 * 3)
    }
}
