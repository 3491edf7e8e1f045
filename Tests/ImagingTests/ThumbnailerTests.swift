import Foundation
import Imaging
import Testing

/// A thumbnailer with default settings (libvips started once per process).
private func thumbnailer(_ configure: (inout ImagingSettings) -> Void = { _ in }) throws -> Thumbnailer {
    var settings = ImagingSettings()
    configure(&settings)
    return try Thumbnailer(settings: settings)
}

/// A rendition with a box of `width` × `height` (nil lets the other side decide), adjusted by `configure`.
private func rendition(
    _ width: Int?, _ height: Int? = nil, name: String = "t", _ configure: (inout RenditionSpec) -> Void = { _ in }
) -> RenditionSpec {
    var spec = RenditionSpec(name: name, width: width, height: height)
    configure(&spec)
    return spec
}

/// Renders one rendition of a testdata file.
private func renderOne(
    _ file: String, _ spec: RenditionSpec, settings: (inout ImagingSettings) -> Void = { _ in }
) throws -> (RenderResult, DecodedImage) {
    let result = try thumbnailer(settings).render(testdata(file), renditions: [spec])
    let output = try #require(result.renditions.first)
    return (result, try DecodedImage(output.data))
}

@Suite("Orientation, colour and formats")
struct ThumbnailerCorrectnessTests {
    @Test("every EXIF orientation comes out upright", arguments: 1...8)
    func orientation(_ tag: Int) throws {
        let (result, image) = try renderOne("orientation-\(tag).jpg", rendition(120))
        #expect(result.source.orientation == tag)
        #expect(result.source.width == 600 && result.source.height == 400)
        #expect(image.width == 120 && image.height == 80)
        #expect(image.showsUprightQuadrants, "pixels: \(image.pixel(atX: 0.25, y: 0.25))")
    }

    @Test(
        "every input format decodes to the same picture",
        arguments: [
            "landscape.jpg", "progressive.jpg", "photo.webp", "photo.tiff", "photo.gif", "photo.avif",
            "photo.heic", "deep16.png",
        ])
    func inputFormats(_ file: String) throws {
        let (_, image) = try renderOne(file, rendition(150))
        #expect(image.width == 150 && image.height == 100)
        #expect(image.showsUprightQuadrants)
    }

    @Test(
        "CMYK inputs, with and without a profile, become sRGB with the right hues",
        arguments: ["cmyk-profile.jpg", "cmyk-noprofile.jpg"])
    func cmyk(_ file: String) throws {
        let (result, image) = try renderOne(file, rendition(150))
        #expect(result.source.format == .jpeg)
        let red = image.pixel(atX: 0.25, y: 0.25)
        let green = image.pixel(atX: 0.75, y: 0.25)
        let blue = image.pixel(atX: 0.25, y: 0.75)
        #expect(red.red > red.green + 100 && red.red > red.blue + 100)
        #expect(green.green > green.red + 60 && green.green > green.blue + 40)
        #expect(blue.blue > blue.red + 60 && blue.blue > blue.green + 60)
        #expect(image.isColour(atX: 0.75, y: 0.75, 255, 255, 255))
    }

    @Test("8- and 16-bit greyscale stay black and white", arguments: ["grey.png", "grey16.png"])
    func greyscale(_ file: String) throws {
        let (_, image) = try renderOne(file, rendition(150))
        #expect(image.isColour(atX: 0.25, y: 0.5, 0, 0, 0, tolerance: 8))
        #expect(image.isColour(atX: 0.75, y: 0.5, 255, 255, 255, tolerance: 8))
    }

    @Test("transparency is flattened onto the background for JPEG")
    func flattening() throws {
        let (_, white) = try renderOne("alpha.png", rendition(200))
        #expect(white.isColour(atX: 0.25, y: 0.5, 255, 0, 0))
        #expect(white.isColour(atX: 0.75, y: 0.5, 255, 255, 255))
        let (_, black) = try renderOne(
            "alpha.png",
            rendition(200) {
                $0.background = RGBColor(red: 0, green: 0, blue: 0)
            })
        #expect(black.isColour(atX: 0.75, y: 0.5, 0, 0, 0))
        let (_, configured) = try renderOne(
            "alpha.png", rendition(200),
            settings: {
                $0.background = RGBColor(red: 0, green: 0, blue: 255)
            })
        #expect(configured.isColour(atX: 0.75, y: 0.5, 0, 0, 255))
    }

    @Test("auto picks PNG for transparent results and JPEG for opaque ones")
    func autoFormat() throws {
        let (transparent, image) = try renderOne("alpha.png", rendition(200) { $0.format = .auto })
        #expect(transparent.renditions[0].format == .png)
        #expect(image.pixel(atX: 0.75, y: 0.5).alpha == 0)
        let (opaque, _) = try renderOne("landscape.jpg", rendition(200) { $0.format = .auto })
        #expect(opaque.renditions[0].format == .jpeg)
        #expect(sniffedFormat(opaque.renditions[0].data) == .jpeg)
    }

    @Test(
        "each output format is written with its own magic bytes",
        arguments: [
            (RenditionSpec.Format.jpeg, ImageFormat.jpeg), (.png, .png), (.webp, .webp), (.avif, .avif), (.gif, .gif),
        ])
    func outputFormats(_ output: RenditionSpec.Format, _ format: ImageFormat) throws {
        let (result, image) = try renderOne("landscape.jpg", rendition(90) { $0.format = output })
        #expect(result.renditions[0].format == format)
        #expect(sniffedFormat(result.renditions[0].data) == format)
        #expect(image.width == 90 && image.height == 60)
        #expect(image.showsUprightQuadrants)
    }

    @Test("WebP keeps the alpha channel")
    func webpAlpha() throws {
        let (_, image) = try renderOne("alpha.png", rendition(200) { $0.format = .webp })
        #expect(image.pixel(atX: 0.75, y: 0.5).alpha == 0)
        #expect(image.pixel(atX: 0.25, y: 0.5).alpha == 255)
    }
}

@Suite("Fit, animation and metadata")
struct ThumbnailerGeometryTests {
    @Test("inside fits the box by either side and never enlarges unless asked")
    func inside() throws {
        #expect(try renderOne("landscape.jpg", rendition(nil, 50)).1.width == 75)
        #expect(try renderOne("tall.png", rendition(100, 100)).1.height == 100)
        let small = try renderOne("landscape.jpg", rendition(1000)).1
        #expect(small.width == 600 && small.height == 400)
        let enlarged = try renderOne("landscape.jpg", rendition(1000) { $0.upscale = true }).1
        #expect(enlarged.width == 1000 && enlarged.height == 667)
    }

    @Test("cover fills the box and crops the centre")
    func cover() throws {
        let (_, image) = try renderOne("wide.jpg", rendition(100, 100) { $0.fit = .cover })
        #expect(image.width == 100 && image.height == 100)
        #expect(image.showsUprightQuadrants)
        for gravity in [RenditionSpec.Gravity.attention, .entropy] {
            let (_, cropped) = try renderOne(
                "wide.jpg",
                rendition(100, 100) {
                    $0.fit = .cover
                    $0.gravity = gravity
                })
            #expect(cropped.width == 100 && cropped.height == 100)
        }
    }

    @Test("fill stretches to exactly the box")
    func fill() throws {
        let (_, image) = try renderOne("landscape.jpg", rendition(200, 50) { $0.fit = .fill })
        #expect(image.width == 200 && image.height == 50)
        #expect(image.showsUprightQuadrants)
    }

    @Test("contain pads to exactly the box with the background")
    func contain() throws {
        let (_, image) = try renderOne(
            "landscape.jpg",
            rendition(200, 200) {
                $0.fit = .contain
                $0.background = RGBColor(red: 0, green: 255, blue: 0)
            })
        #expect(image.width == 200 && image.height == 200)
        #expect(image.isColour(atX: 0.5, y: 0.05, 0, 255, 0))
        #expect(image.isColour(atX: 0.25, y: 0.4, 255, 0, 0))
    }

    @Test("animations give their first frame by default and stay animated when asked")
    func animation() throws {
        let (first, image) = try renderOne("animated.gif", rendition(60))
        #expect(first.source.frames == 3)
        #expect(first.renditions[0].frames == 1)
        #expect(image.isColour(atX: 0.5, y: 0.5, 255, 0, 0))
        for format in [RenditionSpec.Format.gif, .webp] {
            let (animated, _) = try renderOne(
                "animated.gif",
                rendition(60) {
                    $0.format = format
                    $0.animated = true
                })
            #expect(animated.renditions[0].frames == 3)
            #expect(animated.renditions[0].width == 60 && animated.renditions[0].height == 40)
            #expect(sniffedFormat(animated.renditions[0].data) == format.fixedFormat)
        }
        let (capped, _) = try renderOne(
            "animated.webp",
            rendition(60) {
                $0.format = .webp
                $0.animated = true
                $0.maxFrames = 2
            })
        #expect(capped.renditions[0].frames == 2)
    }

    @Test("metadata is stripped by default and kept on request")
    func metadata() throws {
        let exif = Array("Exif".utf8)
        let stripped = try renderOne("orientation-6.jpg", rendition(120)).0.renditions[0].data
        #expect(!stripped.contains(subsequence: exif))
        let kept = try renderOne("orientation-6.jpg", rendition(120) { $0.metadata = .all }).0.renditions[0].data
        #expect(kept.contains(subsequence: exif))
        let profile = Array("ICC_PROFILE".utf8)
        #expect(!stripped.contains(subsequence: profile))
        let iccOnly = try renderOne("cmyk-profile.jpg", rendition(120) { $0.metadata = .icc }).0.renditions[0].data
        #expect(iccOnly.contains(subsequence: profile))
        let defaultMetadata = try renderOne("cmyk-profile.jpg", rendition(120)).0.renditions[0].data
        #expect(!defaultMetadata.contains(subsequence: profile))
    }

    @Test("progressive JPEG uses the progressive frame marker")
    func progressive() throws {
        let baseline = try renderOne("landscape.jpg", rendition(120)).0.renditions[0].data
        let progressive = try renderOne("landscape.jpg", rendition(120) { $0.progressive = true }).0.renditions[0].data
        #expect(progressive.contains(subsequence: [0xFF, 0xC2]))
        #expect(!baseline.contains(subsequence: [0xFF, 0xC2]))
    }
}

@Suite("One decode, many renditions")
struct ThumbnailerStrategyTests {
    @Test("both strategies give the same sizes and pictures")
    func strategiesAgree() throws {
        let renditions = [
            rendition(40, name: "small"),
            rendition(150, name: "medium") { $0.format = .webp },
            rendition(80, 80, name: "square") { $0.fit = .cover },
            rendition(300, 300, name: "large") { $0.fit = .contain },
        ]
        let thumbnailer = try thumbnailer()
        let once = try thumbnailer.render(testdata("orientation-6.jpg"), renditions: renditions, strategy: .decodeOnce)
        let each = try thumbnailer.render(
            testdata("orientation-6.jpg"), renditions: renditions, strategy: .decodePerRendition)
        #expect(once.renditions.map(\.name) == ["small", "medium", "square", "large"])
        for (a, b) in zip(once.renditions, each.renditions) {
            #expect(a.width == b.width && a.height == b.height && a.format == b.format)
            let image = try DecodedImage(a.data)
            #expect(
                image.isColour(atX: 0.25, y: image.height == image.width && a.name == "large" ? 0.4 : 0.25, 255, 0, 0))
        }
        #expect(once.renditions.map(\.width) == [40, 150, 80, 300])
        #expect(once.timings.decode > 0 && each.timings.decode == 0)
    }

    @Test("a rendition reduced from a larger one keeps the picture and the order asked for")
    func cascadedRenditions() throws {
        // `tiny` (40) is reduced from `thumb` (90, at least twice its size), `thumb` and `small` from `large`, which
        // is the intermediate itself; `large` removes metadata fields from its own copy of them.
        let renditions = [
            rendition(40, name: "tiny") { $0.metadata = .all },
            rendition(300, name: "large") { $0.metadata = .icc },
            rendition(150, name: "small"),
            rendition(90, name: "thumb"),
        ]
        let thumbnailer = try thumbnailer()
        let once = try thumbnailer.render(testdata("orientation-6.jpg"), renditions: renditions, strategy: .decodeOnce)
        let each = try thumbnailer.render(
            testdata("orientation-6.jpg"), renditions: renditions, strategy: .decodePerRendition)
        #expect(once.renditions.map(\.name) == ["tiny", "large", "small", "thumb"])
        #expect(once.renditions.map(\.width) == each.renditions.map(\.width))
        #expect(once.renditions.map(\.height) == each.renditions.map(\.height))
        for (cascaded, direct) in zip(once.renditions, each.renditions) {
            let (a, b) = (try DecodedImage(cascaded.data), try DecodedImage(direct.data))
            #expect(a.showsUprightQuadrants, "\(cascaded.name): \(a)")
            let difference = zip(a.rgba, b.rgba).map { abs(Int($0) - Int($1)) }.reduce(0, +)
            #expect(Double(difference) / Double(a.rgba.count) < 3, "\(cascaded.name): mean difference per channel")
        }
    }

    @Test("the placeholder carries a ThumbHash and the dominant colour")
    func placeholder() throws {
        let result = try thumbnailer().render(testdata("alpha.png"), renditions: [rendition(50)])
        let placeholder = try #require(result.placeholder)
        #expect(placeholder.dominantColor == "#ff0000")
        let hash = try #require(Data(base64Encoded: placeholder.thumbHash))
        #expect(hash.count >= 5)
        let disabled = try thumbnailer { $0.placeholder = false }
            .render(testdata("alpha.png"), renditions: [rendition(50)])
        #expect(disabled.placeholder == nil)
    }
}

extension Array where Element == UInt8 {
    /// Whether the bytes contain `needle` somewhere.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { start in self[start..<start + needle.count].elementsEqual(needle)
        }
    }
}
