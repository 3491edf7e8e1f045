import CVipsShim
import TestSupport
import Testing

@testable import Imaging

@Suite("Step 2 on TurboJPEG: libvips' sizes and pictures, at least as sharp, or libvips' loader decides")
struct TurboJPEGDecodeTests {
    /// The renditions compared: the shared decode at every DCT shrink, a crop, a stretch and one decoded on its own.
    static let renditions = [
        rendition(1024), rendition(300, name: "half"), rendition(140, name: "small"), rendition(70, name: "tiny"),
        rendition(100, 100, name: "square") { $0.fit = .cover },
        rendition(90, 120, name: "stretched") { $0.fit = .fill },
    ]

    @Test(
        "every upright, grey, tagged or progressive JPEG comes out at libvips' sizes and within 33 dB of its loader's pixels",
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
        let (turbo, libvips, psnrs) = try await offCooperativeThreads {
            let turbo = try turboThumbnailer.render(data, renditions: Self.renditions, strategy: strategy)
            let libvips = try libvipsThumbnailer.render(data, renditions: Self.renditions, strategy: strategy)
            let psnrs = try zip(turbo.renditions, libvips.renditions).map { made, expected in
                try DecodedImage(made.data).psnr(against: DecodedImage(expected.data))
            }
            return (turbo, libvips, psnrs)
        }
        #expect(turbo.renditions.count == Self.renditions.count)
        for ((made, expected), psnr) in zip(zip(turbo.renditions, libvips.renditions), psnrs) {
            #expect(made.width == expected.width && made.height == expected.height, Comment(rawValue: made.name))
            // A turn, a flip, a shift or swapped colours would fall far below: the two differ in resampling only.
            #expect(psnr > 33, Comment(rawValue: "\(file) \(made.name) \(made.width)×\(made.height): \(psnr) dB"))
        }
    }

    @Test(
        "on a photograph, every DCT shrink's rendition is as close to a full-size lanczos3 as libvips' loader's, or closer"
    )
    func atLeastAsSharp() async throws {
        let data = try Testdata.bytes("seeding-crop.jpg")
        // 1024×768: DCT shrinks 1, 2, 4 and 8 in turn, each to a whole height.
        let renditions = [320, 152, 72, 40].map { (width: Int) in rendition(width, name: "\(width)") }
        let turboThumbnailer = try thumbnailer { $0.jpegDecoder = .turbojpeg }
        let libvipsThumbnailer = try thumbnailer { $0.jpegDecoder = .libvips }
        // Per rendition: whether libvips' size is the reference's, and both PSNRs against the reference.
        let compared = try await offCooperativeThreads {
            let turbo = try turboThumbnailer.render(data, renditions: renditions, strategy: .decodePerRendition)
            let libvips = try libvipsThumbnailer.render(data, renditions: renditions, strategy: .decodePerRendition)
            return try zip(turbo.renditions, libvips.renditions).map { made, expected in
                let reference = try Self.fullSizeLanczos3(data, width: made.width, height: made.height)
                let (madePixels, expectedPixels) = (try DecodedImage(made.data), try DecodedImage(expected.data))
                return (
                    made: made,
                    sameSize: expectedPixels.width == reference.width
                        && expectedPixels.height == reference.height,
                    ours: madePixels.psnr(against: reference), theirs: expectedPixels.psnr(against: reference)
                )
            }
        }
        #expect(compared.count == renditions.count)
        for (made, sameSize, ours, theirs) in compared {
            #expect(sameSize)
            // Within 0.05 dB: where the two resample the same geometry they differ by JPEG rounding only (±0.01 dB);
            // a kernel not widened, or a wrong extent, loses tenths.
            #expect(
                ours >= theirs - 0.05, Comment(rawValue: "\(made.width) px: \(ours) dB against libvips' \(theirs) dB"))
        }
    }

    /// `data` decoded at full size by libvips' loader and reduced by libvips' lanczos3 to exactly `width` × `height`,
    /// each axis by its own factor: the reference.
    static func fullSizeLanczos3(_ data: [UInt8], width: Int, height: Int) throws(ImagingError) -> DecodedImage {
        var options = widthBox(width)
        options.height = Int32(height)
        options.size = Int32(VIPS_SIZE_FORCE.rawValue)
        let reduced = try data.withBytes { buffer throws(ImagingError) in
            let full = try VipsImage.make(.corrupt, "the reference cannot be decoded") {
                thumb_vips_open_header(buffer.baseAddress, buffer.count, $0, $1)
            }
            return try VipsImage.make(.corrupt, "the reference cannot be reduced") {
                thumb_vips_thumbnail_image(full.pointer, $0, &options, $1)
            }.materialized(.corrupt, "the reference cannot be reduced")
        }
        return try DecodedImage.of(reduced)
    }

    @Test("the decode is TurboJPEG's for plain JPEGs, and declined for CMYK and damaged ones")
    func takesPlainJPEGsOnly() async throws {
        for (file, taken) in [
            ("landscape.jpg", true), ("grey.jpg", true), ("profile-p3.jpg", true), ("progressive.jpg", true),
            ("cmyk-profile.jpg", false), ("cmyk-noprofile.jpg", false), ("truncated.jpg", false),
        ] {
            let info = try source(of: file)
            let isTaken = try await offCooperativeThreads {
                try Testdata.bytes(file).withBytes { buffer throws(ImagingError) in
                    try TurboJPEGDecode.decode(buffer, options: widthBox(150), source: info, failure: "test") != nil
                }
            }
            #expect(isTaken == taken, Comment(rawValue: file))
        }
    }

    @Test("a JPEG a few pixels across, narrower than the kernel, comes out at libvips' sizes and close to its pixels")
    func tinyJPEG() async throws {
        let tiny = try await thumbnailer().rendered(Testdata.bytes("landscape.jpg"), renditions: [rendition(7)])
        let data = try #require(tiny.renditions.first).data
        for spec in [rendition(2), rendition(1, 1) { $0.fit = .cover }, rendition(1024)] {
            let (made, expected) = (
                try await thumbnailer { $0.jpegDecoder = .turbojpeg }.rendered(data, renditions: [spec]).renditions[0],
                try await thumbnailer { $0.jpegDecoder = .libvips }.rendered(data, renditions: [spec]).renditions[0]
            )
            #expect(made.width == expected.width && made.height == expected.height)
            let psnr = try await offCooperativeThreads {
                try DecodedImage(made.data).psnr(against: DecodedImage(expected.data))
            }
            // A kernel cut to the image (only its first inputs read) gave 6 dB here: one corner's colour.
            #expect(psnr > 25, Comment(rawValue: "\(made.width)×\(made.height): \(psnr) dB"))
        }
    }

    @Test("a CMYK JPEG still gets libvips' conversion, and a truncated one still fails, with TurboJPEG on")
    func declinedFilesBehaveAsBefore() async throws {
        let (_, red) = try await renderOne("cmyk-profile.jpg", rendition(150)) { $0.jpegDecoder = .turbojpeg }
        let (_, expected) = try await renderOne("cmyk-profile.jpg", rendition(150)) { $0.jpegDecoder = .libvips }
        #expect(red.rgba == expected.rgba)
        await #expect(throws: ImagingError.self) {
            try await renderOne("truncated.jpg", rendition(150)) { $0.jpegDecoder = .turbojpeg }
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
    func warningOnlyFile() async throws {
        var data = try Testdata.bytes("landscape.jpg")
        // Two bytes between the header's last segment and the start of scan: "extraneous bytes before marker".
        let scan = try #require(data.indices.first { data[$0] == 0xFF && data[$0 + 1] == 0xDA })
        data.insert(contentsOf: [0x12, 0x34], at: scan)
        let info = try Thumbnailer().inspect(data)
        let declined = try await offCooperativeThreads { [data] in
            try data.withBytes { buffer throws(ImagingError) in
                try TurboJPEGDecode.decode(buffer, options: widthBox(150), source: info, failure: "test") == nil
            }
        }
        #expect(declined)
        let made = try await thumbnailer { $0.jpegDecoder = .turbojpeg }.rendered(data, renditions: [rendition(150)])
        let expected = try await thumbnailer { $0.jpegDecoder = .libvips }.rendered(data, renditions: [rendition(150)])
        let (madePixels, expectedPixels) = (
            try await DecodedImage.offCooperativeThreads(made.renditions[0].data),
            try await DecodedImage.offCooperativeThreads(expected.renditions[0].data)
        )
        #expect(madePixels.rgba == expectedPixels.rgba)
    }

    @Test("a pulled stop switch fails the TurboJPEG decode before it starts")
    func stopSwitch() async throws {
        let info = try source(of: "landscape.jpg")
        let bytes = try Testdata.bytes("landscape.jpg")
        // The switch is attached to the thread that decodes, and the libvips text is this decode's own only when it
        // is isolated from the other suites' decodes.
        let outcome = try await offCooperativeThreads { () -> Result<Void, ImagingError>? in
            guard let stop = thumb_vips_stop_new() else { return nil }
            defer { thumb_vips_stop_free(stop) }
            thumb_vips_stop_pull(stop)
            thumb_vips_stop_attach(stop)
            defer { thumb_vips_stop_attach(nil) }
            return Result { () throws(ImagingError) in
                _ = try LibVips.isolatingFailures { () throws(ImagingError) in
                    try bytes.withBytes { buffer throws(ImagingError) in
                        try TurboJPEGDecode.decode(
                            buffer, options: widthBox(150), source: info, failure: "stopped test")
                    }
                }
            }
        }
        guard case .failure(let error) = try #require(outcome, "libvips made no stop switch") else {
            Issue.record("the decode ran with its stop switch pulled")
            return
        }
        #expect(error.message == "stopped test")
        #expect(error.libvipsMessage?.contains("the job was stopped") == true)
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
