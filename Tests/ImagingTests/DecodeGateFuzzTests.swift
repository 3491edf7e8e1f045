import Foundation
import Imaging
import TestSupport
import Testing

/// How one fuzz input is made from the seed images.
private enum ImageMutation {
    /// A format-blind change to one seed's bytes.
    case raw(ByteMutation)
    /// One seed's first bytes glued onto another's body.
    case headerSplice
    /// The width and height in a PNG's IHDR or a JPEG's SOF set to thousands of pixels each, over the pixel limit.
    case dimensionInflation

    /// Every mutation, drawn equally often.
    static let all = ByteMutation.allCases.map(ImageMutation.raw) + [.headerSplice, .dimensionInflation]

    /// An input made from `seeds` (file name and bytes), and what it is, for messages.
    func input(from seeds: [(name: String, bytes: [UInt8])], using random: inout FuzzRandom) -> (
        bytes: [UInt8], label: String
    ) {
        switch self {
        case .raw(let mutation):
            let seed = random.element(of: seeds)
            return (mutation.apply(to: seed.bytes, using: &random), "\(mutation.rawValue) of \(seed.name)")
        case .headerSplice:
            let (head, body) = (random.element(of: seeds), random.element(of: seeds))
            let length = random.int(in: 4...64)
            return (
                Array(head.bytes.prefix(length) + body.bytes.dropFirst(length)),
                "the first \(length) bytes of \(head.name) on \(body.name)"
            )
        case .dimensionInflation:
            let seed = random.element(of: seeds.filter { $0.name.hasSuffix(".png") || $0.name.hasSuffix(".jpg") })
            let (width, height) = (random.int(in: 8_000...65_535), random.int(in: 8_000...65_535))
            let inflated =
                seed.name.hasSuffix(".png")
                ? PNGHeader.inflating(seed.bytes, width: width, height: height)
                : JPEGHeader.inflating(seed.bytes, width: width, height: height)
            return (inflated, "\(seed.name) claiming \(width)×\(height) pixels")
        }
    }
}

/// The PNG header chunk, IHDR, which PNG requires first (https://www.w3.org/TR/png-3/#11IHDR).
private enum PNGHeader {
    /// `png` with the IHDR's width and height replaced and its CRC made right again, so only the size is wrong.
    static func inflating(_ png: [UInt8], width: Int, height: Int) -> [UInt8] {
        var output = png
        // 8 bytes of signature, then IHDR: length (4), type (4) at 12, width (4) at 16, height (4) at 20, … CRC at 29.
        output.replaceSubrange(16..<24, with: bigEndian(width, bytes: 4) + bigEndian(height, bytes: 4))
        output.replaceSubrange(29..<33, with: bigEndian(Int(CRC32.checksum(output[12..<29])), bytes: 4))
        return output
    }

}

/// The JPEG frame header, SOFn, which gives the image's size (ITU T.81, B.2.2).
private enum JPEGHeader {
    /// `jpeg` with the first SOFn's height and width replaced; unchanged when no SOFn is found.
    static func inflating(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        // Walk the marker segments after SOI: 0xFF, the marker, a 2-byte length that counts itself.
        var output = jpeg
        var offset = 2
        while offset + 9 <= output.count, output[offset] == 0xFF {
            let marker = output[offset + 1]
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                // SOFn: length (2), precision (1), height (2) at +5, width (2) at +7.
                output.replaceSubrange(
                    offset + 5..<offset + 9, with: bigEndian(height, bytes: 2) + bigEndian(width, bytes: 2))
                return output
            }
            offset += 2 + (Int(output[offset + 2]) << 8 | Int(output[offset + 3]))
        }
        return output
    }
}

/// `value`'s low `bytes` bytes, most significant first, as PNG and JPEG write numbers.
private func bigEndian(_ value: Int, bytes: Int) -> [UInt8] {
    (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

@Suite("Fuzzing the decode gate: a damaged image renders or is refused with one line and a code, never a crash")
struct DecodeGateFuzzTests {
    /// The committed images the mutations start from, one or more of each format.
    static let seedFiles = [
        "landscape.jpg", "progressive.jpg", "alpha.png", "photo.webp", "photo.gif", "animated.gif", "photo.tiff",
        "photo.heic", "photo.avif", "grey.png", "deep16.png", "cmyk-profile.jpg",
    ]

    /// Two renditions as a worker might be configured: a small WebP and a medium JPEG.
    static let renditions: [RenditionSpec] = {
        var small = RenditionSpec(name: "small", width: 64)
        small.format = .webp
        return [small, RenditionSpec(name: "medium", width: 200)]
    }()

    /// The codes an image's bytes can be refused with.
    static let contentCodes: Set<ImagingError.Code> = [
        .empty, .unsupportedFormat, .untrustedFormat, .corrupt, .tooManyPixels, .tooManyFrames, .encodeFailed,
    ]

    /// The worker's path through Imaging (the gate, then both renditions from one decode) as a fuzz outcome.
    static func outcome(of input: [UInt8], _ thumbnailer: Thumbnailer) -> FuzzOutcome {
        do throws(ImagingError) {
            let source = try thumbnailer.inspect(input, framesWanted: Thumbnailer.framesWanted(by: renditions))
            let result = try thumbnailer.render(input, renditions: renditions, inspected: source)
            let widths = result.renditions.map(\.width)
            guard widths.count == 2, widths[0] <= 64, widths[1] <= 200 else {
                return .wrong("rendered \(widths.count) renditions \(widths) wide, not 2 at most 64 and 200 wide")
            }
            return .accepted
        } catch {
            guard contentCodes.contains(error.code), !error.isRetryable else {
                return .wrong("refused with \(error.code), which no image's bytes should cause: \(error)")
            }
            return .refused(code: "\(error.code)", message: error.description)
        }
    }

    @Test("300 seeded mutations of the testdata images; the inflated headers are refused before decoding")
    func mutatedImages() async throws {
        var run = try FuzzRun("decode gate", accepted: "rendered", defaultSeed: 0x5EED_0012)
        let seeds = try Self.seedFiles.map { (name: $0, bytes: try Testdata.bytes($0)) }
        let thumbnailer = try Thumbnailer(settings: ImagingSettings())
        // `measure` runs each render inside its timing and records issues in this task, so the task itself moves to
        // the rendering pool's threads rather than handing the renders there in closures.
        await withTaskExecutorPreference(RenderingThreads()) {
            for index in 0..<300 {
                let mutation = run.random.element(of: ImageMutation.all)
                let (input, label) = mutation.input(from: seeds, using: &run.random)
                let outcome = run.measure(input, index: index, label: label) { Self.outcome(of: input, thumbnailer) }
                if case .dimensionInflation = mutation {
                    #expect(
                        outcome == .refused(code: "tooManyPixels") || outcome == .refused(code: "corrupt"),
                        "\(run.describe(index, label))")
                }
            }
        }
        print(run.finish())
    }

    @Test("every input in testdata/fuzz, kept because fuzzing once made it, renders or is refused with one line")
    func regressionFixtures() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Testdata.path("fuzz"))
            .filter { $0 != "README.md" }.sorted()
        #expect(!files.isEmpty)
        let thumbnailer = try Thumbnailer(settings: ImagingSettings())
        let outcomes = try await offCooperativeThreads {
            try files.map { file in (file, Self.outcome(of: try Testdata.bytes("fuzz/\(file)"), thumbnailer)) }
        }
        for (file, outcome) in outcomes {
            if case .wrong(let problem) = outcome {
                Issue.record("testdata/fuzz/\(file): \(problem)")
            }
        }
    }
}
