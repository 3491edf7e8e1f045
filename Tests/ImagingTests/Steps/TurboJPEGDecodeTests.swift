import CVipsShim
import TestSupport
import Testing

@testable import Imaging

@Suite("Step 2 on TurboJPEG: the same renditions as libvips' JPEG loader, or libvips' loader decides")
struct TurboJPEGDecodeTests {
    /// Where the 26 cases of renders run: not on Swift's cooperative threads, which the suite's servers need meanwhile.
    static let pool = ImagingPool(threadCount: 2)

    /// The renditions compared: the shared decode at every DCT shrink, a crop, a stretch and one decoded on its own.
    static let renditions = [
        rendition(1024), rendition(300, name: "half"), rendition(140, name: "small"), rendition(70, name: "tiny"),
        rendition(100, 100, name: "square") { $0.fit = .cover },
        rendition(90, 120, name: "stretched") { $0.fit = .fill },
    ]

    @Test(
        "every upright, grey, tagged or progressive JPEG comes out pixel for pixel as libvips' loader makes it",
        arguments: [
            "landscape.jpg", "progressive.jpg", "grey.jpg", "profile-p3.jpg", "wide.jpg",
            "orientation-1.jpg", "orientation-2.jpg", "orientation-3.jpg", "orientation-4.jpg",
            "orientation-5.jpg", "orientation-6.jpg", "orientation-7.jpg", "orientation-8.jpg",
        ],
        Thumbnailer.DecodeStrategy.allCases)
    func samePixels(_ file: String, _ strategy: Thumbnailer.DecodeStrategy) async throws {
        let data = try Testdata.bytes(file)
        let turboThumbnailer = try thumbnailer { $0.jpegDecoder = .turbojpeg }
        let libvipsThumbnailer = try thumbnailer { $0.jpegDecoder = .libvips }
        let (turbo, libvips) = try await Self.pool.run { () throws(ImagingError) in
            (
                try turboThumbnailer.render(data, renditions: Self.renditions, strategy: strategy),
                try libvipsThumbnailer.render(data, renditions: Self.renditions, strategy: strategy)
            )
        }.get()
        #expect(turbo.renditions.count == Self.renditions.count)
        for (made, expected) in zip(turbo.renditions, libvips.renditions) {
            let (madePixels, expectedPixels) = (try DecodedImage(made.data), try DecodedImage(expected.data))
            #expect(made.width == expected.width && made.height == expected.height, Comment(rawValue: made.name))
            let differing = zip(madePixels.rgba, expectedPixels.rgba).count { $0 != $1 }
            #expect(
                madePixels.rgba.count == expectedPixels.rgba.count && differing == 0,
                Comment(rawValue: "\(file) \(made.name) \(made.width)×\(made.height): \(differing) bytes differ"))
        }
        #expect(turbo.placeholder == libvips.placeholder)
    }

    @Test("the decode is TurboJPEG's for plain JPEGs, and declined for CMYK and damaged ones")
    func takesPlainJPEGsOnly() throws {
        for (file, taken) in [
            ("landscape.jpg", true), ("grey.jpg", true), ("profile-p3.jpg", true), ("progressive.jpg", true),
            ("cmyk-profile.jpg", false), ("cmyk-noprofile.jpg", false), ("truncated.jpg", false),
        ] {
            let info = try source(of: file)
            let made = try Testdata.bytes(file).withBytes { buffer throws(ImagingError) in
                try TurboJPEGDecode.decode(buffer, options: widthBox(150), source: info, failure: "test")
            }
            #expect((made != nil) == taken, Comment(rawValue: file))
        }
    }

    @Test("a CMYK JPEG still gets libvips' conversion, and a truncated one still fails, with TurboJPEG on")
    func declinedFilesBehaveAsBefore() throws {
        let (_, red) = try renderOne("cmyk-profile.jpg", rendition(150)) { $0.jpegDecoder = .turbojpeg }
        let (_, expected) = try renderOne("cmyk-profile.jpg", rendition(150)) { $0.jpegDecoder = .libvips }
        #expect(red.rgba == expected.rgba)
        #expect(throws: ImagingError.self) {
            try renderOne("truncated.jpg", rendition(150)) { $0.jpegDecoder = .turbojpeg }
        }
    }

    @Test("the memory budget counts TurboJPEG's whole scaled image, at the shrink the renditions allow")
    func memoryEstimate() throws {
        let info = try source(of: "landscape.jpg")
        let turbo = try thumbnailer { $0.jpegDecoder = .turbojpeg }
        let libvips = try thumbnailer { $0.jpegDecoder = .libvips }
        let decode = info.estimatedDecodeBytes(framesWanted: 1)
        #expect(libvips.estimatedMemory(of: info, renditions: [rendition(1024)]) == decode)
        #expect(turbo.estimatedMemory(of: info, renditions: [rendition(1024)]) == decode + 600 * 400 * 3)
        #expect(turbo.estimatedMemory(of: info, renditions: [rendition(70)]) == decode + 150 * 100 * 3)
        let png = try source(of: "alpha.png")
        #expect(
            turbo.estimatedMemory(of: png, renditions: [rendition(70)]) == png.estimatedDecodeBytes(framesWanted: 1))
    }

    @Test("a JPEG with stray bytes libjpeg warns about is declined, and libvips' loader still renders it")
    func warningOnlyFile() throws {
        var data = try Testdata.bytes("landscape.jpg")
        // Two bytes between the header's last segment and the start of scan: "extraneous bytes before marker".
        let scan = try #require(data.indices.first { data[$0] == 0xFF && data[$0 + 1] == 0xDA })
        data.insert(contentsOf: [0x12, 0x34], at: scan)
        let info = try Thumbnailer().inspect(data)
        let declined = try data.withBytes { buffer throws(ImagingError) in
            try TurboJPEGDecode.decode(buffer, options: widthBox(150), source: info, failure: "test")
        }
        #expect(declined == nil)
        let made = try thumbnailer { $0.jpegDecoder = .turbojpeg }.render(data, renditions: [rendition(150)])
        let expected = try thumbnailer { $0.jpegDecoder = .libvips }.render(data, renditions: [rendition(150)])
        #expect(try DecodedImage(made.renditions[0].data).rgba == DecodedImage(expected.renditions[0].data).rgba)
    }

    @Test("a pulled stop switch fails the TurboJPEG decode before it starts")
    func stopSwitch() throws {
        let info = try source(of: "landscape.jpg")
        let stop = try #require(thumb_vips_stop_new())
        defer { thumb_vips_stop_free(stop) }
        thumb_vips_stop_pull(stop)
        thumb_vips_stop_attach(stop)
        defer { thumb_vips_stop_attach(nil) }
        do {
            _ = try Testdata.bytes("landscape.jpg").withBytes { buffer throws(ImagingError) in
                try TurboJPEGDecode.decode(buffer, options: widthBox(150), source: info, failure: "stopped test")
            }
            Issue.record("the decode ran with its stop switch pulled")
        } catch let error as ImagingError {
            #expect(error.message == "stopped test")
            #expect(error.libvipsMessage?.contains("the job was stopped") == true)
        }
    }

    @Test(
        "the shrink is libvips' own: the largest DCT scale that leaves a factor of two for the reduce",
        arguments: [
            (320, Int(VIPS_MAX_COORD), VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN, Int32(4)),
            (150, Int(VIPS_MAX_COORD), VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN, 8),
            (1024, Int(VIPS_MAX_COORD), VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN, 1),
            (600, Int(VIPS_MAX_COORD), VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN, 2),
            (320, 320, VIPS_INTERESTING_CENTRE, VIPS_SIZE_DOWN, 2),
            (320, 320, VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN, 4),
            (320, 100, VIPS_INTERESTING_NONE, VIPS_SIZE_FORCE, 4),
            (9000, Int(VIPS_MAX_COORD), VIPS_INTERESTING_NONE, VIPS_SIZE_BOTH, 1),
        ])
    func shrink(_ width: Int, _ height: Int, _ crop: VipsInteresting, _ size: VipsSize, _ expected: Int32) {
        var box = ThumbVipsThumbnailOptions()
        box.width = Int32(width)
        box.height = Int32(height)
        box.crop = Int32(crop.rawValue)
        box.size = Int32(size.rawValue)
        let photo = SourceInfo(
            format: .jpeg, width: 2725, height: 2225, bytes: 1, orientation: 1, frames: 1, hasAlpha: false,
            hasProfile: false, isProgressive: false)
        #expect(TurboJPEGDecode.shrink(for: box, source: photo) == expected)
    }
}
