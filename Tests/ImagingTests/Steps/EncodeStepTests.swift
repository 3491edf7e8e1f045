import TestSupport
import Testing

@testable import Imaging

@Suite("Step 8, encode: format, metadata and quality")
struct EncodeStepTests {
    @Test("auto picks PNG for transparent results and JPEG for opaque ones")
    func autoFormat() async throws {
        let (transparent, image) = try await renderOne("alpha.png", rendition(200) { $0.format = .auto })
        #expect(transparent.renditions[0].format == .png)
        #expect(image.pixel(atX: 0.75, y: 0.5).alpha == 0)
        let (opaque, _) = try await renderOne("landscape.jpg", rendition(200) { $0.format = .auto })
        #expect(opaque.renditions[0].format == .jpeg)
        #expect(sniffedFormat(opaque.renditions[0].data) == .jpeg)
    }

    @Test("auto decides from the pixels when each rendition decodes the upload on its own, too")
    func autoFormatPerRendition() async throws {
        let renditions = [rendition(200, name: "large") { $0.format = .auto }, rendition(90) { $0.format = .auto }]
        for (file, format) in [("alpha.png", ImageFormat.png), ("landscape.jpg", .jpeg)] {
            let result = try await thumbnailer().rendered(
                Testdata.bytes(file), renditions: renditions, strategy: .decodePerRendition)
            #expect(result.renditions.map(\.format) == [format, format], "\(file)")
        }
    }

    @Test(
        "each output format is written with its own magic bytes",
        arguments: [
            (RenditionSpec.Format.jpeg, ImageFormat.jpeg), (.png, .png), (.webp, .webp), (.avif, .avif), (.gif, .gif),
        ])
    func outputFormats(_ output: RenditionSpec.Format, _ format: ImageFormat) async throws {
        let (result, image) = try await renderOne("landscape.jpg", rendition(90) { $0.format = output })
        #expect(result.renditions[0].format == format)
        #expect(sniffedFormat(result.renditions[0].data) == format)
        #expect(image.width == 90 && image.height == 60)
        #expect(image.showsUprightQuadrants)
    }

    @Test("WebP keeps the alpha channel")
    func webpAlpha() async throws {
        let (_, image) = try await renderOne("alpha.png", rendition(200) { $0.format = .webp })
        #expect(image.pixel(atX: 0.75, y: 0.5).alpha == 0)
        #expect(image.pixel(atX: 0.25, y: 0.5).alpha == 255)
    }

    @Test("metadata is stripped by default and kept on request")
    func metadata() async throws {
        let exif = Array("Exif".utf8)
        let stripped = try await renderOne("orientation-6.jpg", rendition(120)).0.renditions[0].data
        #expect(!stripped.contains(subsequence: exif))
        let kept = try await renderOne("orientation-6.jpg", rendition(120) { $0.metadata = .all }).0.renditions[0].data
        #expect(kept.contains(subsequence: exif))
        let profile = Array("ICC_PROFILE".utf8)
        #expect(!stripped.contains(subsequence: profile))
        let iccOnly = try await renderOne("cmyk-profile.jpg", rendition(120) { $0.metadata = .icc }).0.renditions[0]
            .data
        #expect(iccOnly.contains(subsequence: profile))
        let defaultMetadata = try await renderOne("cmyk-profile.jpg", rendition(120)).0.renditions[0].data
        #expect(!defaultMetadata.contains(subsequence: profile))
    }

    @Test("progressive JPEG uses the progressive frame marker")
    func progressive() async throws {
        let baseline = try await renderOne("landscape.jpg", rendition(120)).0.renditions[0].data
        let progressive = try await renderOne("landscape.jpg", rendition(120) { $0.progressive = true }).0.renditions[0]
            .data
        #expect(progressive.contains(subsequence: [0xFF, 0xC2]))
        #expect(!baseline.contains(subsequence: [0xFF, 0xC2]))
    }

    @Test("a fixed format is kept; auto looks at the pixels: visible transparency makes PNG, an opaque alpha JPEG")
    func formatChoice() async throws {
        let auto = rendition(100) { $0.format = .auto }
        let webp = rendition(100) { $0.format = .webp }
        let chosen = try await offCooperativeThreads {
            let transparent = try decodedUpright("alpha.png", box: widthBox(100))
            let opaqueAlpha = try decodedUpright("animated.gif", box: widthBox(60))
            return (
                opaqueAlphaHasAlpha: opaqueAlpha.hasAlpha,
                transparentAuto: try EncodeStep.format(for: auto, image: transparent),
                opaqueAlphaAuto: try EncodeStep.format(for: auto, image: opaqueAlpha),
                transparentWebP: try EncodeStep.format(for: webp, image: transparent),
                transparentDefault: try EncodeStep.format(for: rendition(100), image: transparent)
            )
        }
        #expect(chosen.opaqueAlphaHasAlpha, "GIFs load as RGBA, with alpha 255 everywhere here")
        #expect(chosen.transparentAuto == .png)
        #expect(chosen.opaqueAlphaAuto == .jpeg)
        #expect(chosen.transparentWebP == .webp)
        #expect(chosen.transparentDefault == .jpeg)
    }

    @Test("a rendition without a quality takes the configured default for its format")
    func defaultQuality() async throws {
        let (sizes, decoded) = try await offCooperativeThreads {
            let image = try decodedUpright("off-centre.png", box: widthBox(600))
            func size(_ format: ImageFormat, jpeg: Int = 80, webp: Int = 80, quality: Int? = nil) throws -> Int {
                var defaults = QualityDefaults()
                defaults.jpeg = jpeg
                defaults.webp = webp
                let spec = rendition(600) { $0.quality = quality }
                return try EncodeStep(quality: defaults).encode(image, as: format, rendition: spec).count
            }
            let sizes = (
                jpeg20: try size(.jpeg, jpeg: 20), jpeg95: try size(.jpeg, jpeg: 95),
                webp20: try size(.webp, webp: 20), webp95: try size(.webp, webp: 95),
                jpeg20AskingFor95: try size(.jpeg, jpeg: 20, quality: 95)
            )
            let png = try EncodeStep(quality: QualityDefaults()).encode(image, as: .png, rendition: rendition(600))
            return (sizes, try DecodedImage(png))
        }
        #expect(sizes.jpeg20 < sizes.jpeg95)
        #expect(sizes.webp20 < sizes.webp95)
        #expect(sizes.jpeg20AskingFor95 == sizes.jpeg95, "the rendition's own quality wins")
        #expect(decoded.width == 600 && decoded.height == 150)
    }
}
