import CVipsShim
import Testing

@testable import Imaging

@Suite("Step 5, resize: each rendition's box, fit and crop")
struct ResizeStepTests {
    @Test("inside fits the box by either side and never enlarges unless asked")
    func inside() async throws {
        #expect(try await renderOne("landscape.jpg", rendition(nil, 50)).1.width == 75)
        #expect(try await renderOne("tall.png", rendition(100, 100)).1.height == 100)
        let small = try await renderOne("landscape.jpg", rendition(1000)).1
        #expect(small.width == 600 && small.height == 400)
        let enlarged = try await renderOne("landscape.jpg", rendition(1000) { $0.upscale = true }).1
        #expect(enlarged.width == 1000 && enlarged.height == 667)
    }

    @Test("cover fills the box and crops the centre; attention and entropy keep the detail, wherever it is")
    func cover() async throws {
        let (_, image) = try await renderOne("wide.jpg", rendition(100, 100) { $0.fit = .cover })
        #expect(image.width == 100 && image.height == 100)
        #expect(image.showsUprightQuadrants)
        for gravity in [RenditionSpec.Gravity.attention, .entropy] {
            let (_, cropped) = try await renderOne(
                "wide.jpg",
                rendition(100, 100) {
                    $0.fit = .cover
                    $0.gravity = gravity
                })
            #expect(cropped.width == 100 && cropped.height == 100)
        }
        // off-centre.png is flat grey but for a red and yellow checkerboard at its right end.
        func crop(_ gravity: RenditionSpec.Gravity) async throws -> DecodedImage {
            try await renderOne(
                "off-centre.png",
                rendition(100, 100) {
                    $0.fit = .cover
                    $0.gravity = gravity
                }
            ).1
        }
        let centre = try await crop(.centre)
        #expect(centre.width == 100 && centre.height == 100)
        #expect(centre.meanSaturation < 5, "the centre is grey: \(centre)")
        #expect(centre.isColour(atX: 0.5, y: 0.5, 128, 128, 128, tolerance: 8))
        for gravity in [RenditionSpec.Gravity.attention, .entropy] {
            let detail = try await crop(gravity)
            #expect(detail.width == 100 && detail.height == 100)
            #expect(detail.meanSaturation > 150, "\(gravity) keeps the checkerboard: \(detail)")
            #expect(detail.hasColour(255, 0, 0) && detail.hasColour(255, 255, 0), "\(gravity): red and yellow")
        }
    }

    @Test("fill stretches to exactly the box")
    func fill() async throws {
        let (_, image) = try await renderOne("landscape.jpg", rendition(200, 50) { $0.fit = .fill })
        #expect(image.width == 200 && image.height == 50)
        #expect(image.showsUprightQuadrants)
    }

    @Test("animations give their first frame by default and stay animated when asked")
    func animation() async throws {
        let (first, image) = try await renderOne("animated.gif", rendition(60))
        #expect(first.source.frames == 3)
        #expect(first.renditions[0].frames == 1)
        #expect(image.isColour(atX: 0.5, y: 0.5, 255, 0, 0))
        for format in [RenditionSpec.Format.gif, .webp] {
            let (animated, _) = try await renderOne(
                "animated.gif",
                rendition(60) {
                    $0.format = format
                    $0.animated = true
                })
            #expect(animated.renditions[0].frames == 3)
            #expect(animated.renditions[0].width == 60 && animated.renditions[0].height == 40)
            #expect(sniffedFormat(animated.renditions[0].data) == format.fixedFormat)
        }
        let (capped, _) = try await renderOne(
            "animated.webp",
            rendition(60) {
                $0.format = .webp
                $0.animated = true
                $0.maxFrames = 2
            })
        #expect(capped.renditions[0].frames == 2)
    }

    @Test("a rendition's box says its size, whether it may enlarge or stretch, and what cover keeps")
    func box() {
        let inside = ResizeStep.box(for: rendition(150))
        #expect(inside.width == 150 && inside.height == Int32(VIPS_MAX_COORD))
        #expect(inside.size == Int32(VIPS_SIZE_DOWN.rawValue) && inside.crop == Int32(VIPS_INTERESTING_NONE.rawValue))
        #expect(ResizeStep.box(for: rendition(150) { $0.upscale = true }).size == Int32(VIPS_SIZE_BOTH.rawValue))
        #expect(ResizeStep.box(for: rendition(150, 50) { $0.fit = .fill }).size == Int32(VIPS_SIZE_FORCE.rawValue))
        let crops: [(RenditionSpec.Gravity, VipsInteresting)] = [
            (.centre, VIPS_INTERESTING_CENTRE), (.attention, VIPS_INTERESTING_ATTENTION),
            (.entropy, VIPS_INTERESTING_ENTROPY),
        ]
        for (gravity, crop) in crops {
            let cover = ResizeStep.box(
                for: rendition(90, 90) {
                    $0.fit = .cover
                    $0.gravity = gravity
                })
            #expect(cover.width == 90 && cover.height == 90 && cover.crop == Int32(crop.rawValue))
        }
    }

    @Test("the scale of a rendition: inside and contain fit, cover and fill fill, and only upscale enlarges")
    func scale() {
        #expect(ResizeStep.scale(for: rendition(150), sourceWidth: 600, sourceHeight: 400) == 0.25)
        #expect(ResizeStep.scale(for: rendition(150, 50), sourceWidth: 600, sourceHeight: 400) == 0.125)
        let cover = rendition(100, 100) { $0.fit = .cover }
        #expect(ResizeStep.scale(for: cover, sourceWidth: 1200, sourceHeight: 300) == 1.0 / 3)
        #expect(ResizeStep.scale(for: rendition(1000), sourceWidth: 600, sourceHeight: 400) == 1)
        #expect(ResizeStep.scale(for: rendition(1200) { $0.upscale = true }, sourceWidth: 600, sourceHeight: 400) == 2)
    }

    @Test("a rendition is reduced from the smallest image made so far that is at least twice its size")
    func cascadeBase() async throws {
        let info = try source(of: "landscape.jpg")
        let cover = rendition(320, 320) { $0.fit = .cover }
        let animated = rendition(150) { $0.animated = true }
        // What the step decides of the 600 px decode and a 320 px medium made from it, and a 150 px reduced from that.
        let found = try await offCooperativeThreads {
            let decoded = try decodedUpright("landscape.jpg", box: widthBox(600))
            let medium = try ResizeStep.resize(decoded, to: rendition(320), frames: 1, failure: "test")
            let bases = [decoded, medium]
            return (
                medium: (width: medium.width, height: medium.height),
                mediumServes320: ResizeStep.canServeAsBase(medium, for: rendition(320), among: [decoded]),
                mediumServesCover: ResizeStep.canServeAsBase(medium, for: cover, among: [decoded]),
                decodedServes600: ResizeStep.canServeAsBase(decoded, for: rendition(600), among: [decoded]),
                baseOf150IsMedium: ResizeStep.base(for: rendition(150), among: bases, source: info) === medium,
                baseOf200IsDecoded: ResizeStep.base(for: rendition(200), among: bases, source: info) === decoded,
                baseOfAnimatedIsDecoded: ResizeStep.base(for: animated, among: bases, source: info) === decoded,
                small: try DecodedImage(ResizeStep.resize(medium, to: rendition(150), frames: 1, failure: "test"))
            )
        }
        #expect(found.medium.width == 320 && found.medium.height == 213)
        #expect(found.mediumServes320)
        #expect(!found.mediumServesCover)
        #expect(!found.decodedServes600, "no smaller")
        #expect(found.baseOf150IsMedium)
        #expect(found.baseOf200IsDecoded, "needs 400 px")
        #expect(found.baseOfAnimatedIsDecoded)
        #expect(found.small.width == 150 && found.small.height == 100)
        #expect(found.small.showsUprightQuadrants)
    }

    @Test("an image that already fits its inside box exactly is the rendition itself")
    func exactFitIsKept() async throws {
        let resized = try await offCooperativeThreads {
            let decoded = try decodedUpright("landscape.jpg", box: widthBox(150))
            return (
                widthFitIsKept: try ResizeStep.resize(decoded, to: rendition(150), frames: 1, failure: "test")
                    === decoded,
                boxFitIsKept: try ResizeStep.resize(decoded, to: rendition(150, 300), frames: 1, failure: "test")
                    === decoded,
                narrowerWidth: try ResizeStep.resize(decoded, to: rendition(140), frames: 1, failure: "test").width
            )
        }
        #expect(resized.widthFitIsKept)
        #expect(resized.boxFitIsKept)
        #expect(resized.narrowerWidth == 140)
    }
}
