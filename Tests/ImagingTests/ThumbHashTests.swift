import Foundation
import Imaging
import Testing

/// Expected hashes come from Evan Wallace's reference encoder (`rgbaToThumbHash` in js/thumbhash.js of
/// github.com/evanw/thumbhash) run under Node 20 on the images built below, bytes printed as base64.
/// The PyPI package `thumbhash` 0.1.2 (a Python port) gives the same bytes for the opaque images;
/// it cannot check the others (it raises TypeError on any image with alpha, and rounds ties to even).
/// Each image here was also checked to keep its hash when every cosine moves by one ulp, so the
/// expected bytes do not depend on which libm computed them.
@Suite struct ThumbHashTests {
    @Test(arguments: [
        (SyntheticImage.landscape, "IQcKVIJ/eHh3h4d3d3dwd9fr+Q=="),
        (SyntheticImage.portrait, "ZgUGLAJvZ3d3d4dnd2hwd+ffuQ=="),
        (SyntheticImage.cornerGradient, "GncOVwyAh4eQiIiIeHh4iIiHCPh5cE8H"),
        (SyntheticImage.offCentreDisc, "6PSBBQAj+xuWi2alpgJnN2BVPXKbZkBKhg=="),
        (SyntheticImage.speckledPortrait, "pgWCGwAHb4d3d2hwh+fv1gWDdGCEMUY="),
    ])
    func matchesReferenceEncoder(image: SyntheticImage, expectedBase64: String) {
        #expect(Data(encode(image)).base64EncodedString() == expectedBase64)
    }

    /// A solid colour's varying terms are rounding noise, so only its header is pinned to the reference.
    @Test func solidColourKeepsTheColourAndNoDetail() {
        let hash = encode(.solid)
        #expect(Array(hash.prefix(5)) == [0x1D, 0xCB, 0x02, 0x07, 0x00])
        #expect(hash.count == 24)
        let header = ThumbHashHeader(hash)
        #expect(abs(header.red - 200 / 255) < 0.02)
        #expect(abs(header.green - 100 / 255) < 0.02)
        #expect(abs(header.blue - 50 / 255) < 0.02)
        #expect(header.luminanceScale == 0)
        #expect(!header.hasAlpha)
        #expect(header.aspectRatio == 1)
    }

    /// A gradient along x alone has noise for its vertical terms, so only its header is pinned.
    @Test func horizontalGradientHeaderMatchesReference() {
        let hash = encode(.horizontalGradient)
        #expect(Array(hash.prefix(5)) == [0xE0, 0xF7, 0x01, 0x9F, 0x1A])
        let header = ThumbHashHeader(hash)
        #expect(header.luminanceScale == 0, "red + green + blue is the same in every column")
        #expect(header.redGreenScale > 0)
        #expect(!header.isLandscape)
        #expect(header.aspectRatio == 1)
    }

    @Test func halfTransparentImageRecordsAlpha() {
        let hash = encode(.halfTransparent)
        #expect(Array(hash.prefix(6)) == [0xD7, 0x7A, 0x83, 0x05, 0x00, 0x58])
        let header = ThumbHashHeader(hash)
        #expect(header.hasAlpha)
        #expect(abs(header.alpha - 0.5) < 0.05)
        #expect(header.red > 0.8 && header.green < 0.2 && header.blue < 0.2)
    }

    @Test func landscapeAndPortraitAspectRatios() {
        let landscape = ThumbHashHeader(encode(.landscape))
        #expect(landscape.isLandscape)
        #expect(landscape.aspectRatio == 7.0 / 4.0)
        let portrait = ThumbHashHeader(encode(.portrait))
        #expect(!portrait.isLandscape)
        #expect(portrait.aspectRatio == 4.0 / 7.0)
    }

    /// 5 × 50 / 100 = 2.5 luminance columns must round up to 3, as the reference's `Math.round` does.
    @Test func luminanceGridRoundsHalvesUp() {
        let header = ThumbHashHeader(encode(.speckledPortrait))
        #expect(header.hasAlpha)
        #expect(header.aspectRatio == 3.0 / 5.0)
    }

    @Test func rejectsImagesLargerThan100Pixels() async {
        await #expect(processExitsWith: .failure) {
            _ = ThumbHash.encode(width: 101, height: 1, rgba: [UInt8](repeating: 255, count: 404))
        }
    }

    private func encode(_ image: SyntheticImage) -> [UInt8] {
        ThumbHash.encode(width: image.width, height: image.height, rgba: image.rgba)
    }
}

/// An RGBA8 test image built pixel by pixel, exactly as the script that produced the reference hashes built it.
struct SyntheticImage: Sendable, CustomTestStringConvertible {
    let name: String
    let width: Int
    let height: Int
    let rgba: [UInt8]
    var testDescription: String { "\(name) \(width)x\(height)" }

    init(_ name: String, width: Int, height: Int, pixel: (_ x: Int, _ y: Int) -> [Int]) {
        self.name = name
        self.width = width
        self.height = height
        rgba = (0..<height).flatMap { y in (0..<width).flatMap { x in pixel(x, y).map { UInt8($0) } } }
    }

    /// An uneven colour pattern with no symmetry, so no DCT term is rounding noise.
    private static func pattern(_ x: Int, _ y: Int) -> [Int] {
        [(x * 37 + y * 11) % 256, (x * y * 3) % 256, 255 - 2 * x]
    }

    static let solid = SyntheticImage("solid", width: 32, height: 32) { _, _ in [200, 100, 50, 255] }
    static let horizontalGradient = SyntheticImage("horizontalGradient", width: 100, height: 100) { x, _ in
        [x * 255 / 99, 128, 255 - x * 255 / 99, 255]
    }
    static let halfTransparent = SyntheticImage("halfTransparent", width: 40, height: 40) { x, _ in
        x < 20 ? [220, 30, 30, 255] : [0, 0, 0, 0]
    }
    static let landscape = SyntheticImage("landscape", width: 100, height: 50) { x, y in pattern(x, y) + [255] }
    static let portrait = SyntheticImage("portrait", width: 50, height: 100) { x, y in pattern(x, y) + [255] }
    static let cornerGradient = SyntheticImage("cornerGradient", width: 100, height: 100) { x, y in
        [x * 255 / 99, x * y * 255 / 9801, y * 255 / 99, 255]
    }
    static let offCentreDisc = SyntheticImage("offCentreDisc", width: 40, height: 40) { x, y in
        (x - 13) * (x - 13) + (y - 16) * (y - 16) <= 100 ? pattern(x, y) + [255] : [0, 0, 0, 0]
    }
    static let speckledPortrait = SyntheticImage("speckledPortrait", width: 50, height: 100) { x, y in
        pattern(x, y) + [(x * 7 + y * y) % 256]
    }
}

/// The header fields of a ThumbHash, read back the way the reference decoder reads them.
struct ThumbHashHeader {
    /// Average red, green and blue in 0...1.
    let red: Double, green: Double, blue: Double
    /// Average alpha in 0...1 (1 when the hash has no alpha).
    let alpha: Double
    /// The quantised largest luminance detail term, 0...31.
    let luminanceScale: Int
    /// The quantised largest red–green detail term, 0...63.
    let redGreenScale: Int
    let hasAlpha: Bool
    let isLandscape: Bool
    /// Width over height, as far as the hash keeps it.
    let aspectRatio: Double

    init(_ hash: [UInt8]) {
        let header24 = Int(hash[0]) | Int(hash[1]) << 8 | Int(hash[2]) << 16
        let luminance = Double(header24 & 63) / 63
        let yellowBlue = Double((header24 >> 6) & 63) / 31.5 - 1
        let redGreen = Double((header24 >> 12) & 63) / 31.5 - 1
        luminanceScale = (header24 >> 18) & 31
        hasAlpha = header24 >> 23 != 0
        let header16 = Int(hash[3]) | Int(hash[4]) << 8
        redGreenScale = (header16 >> 9) & 63
        isLandscape = header16 >> 15 != 0
        alpha = hasAlpha ? Double(hash[5] & 15) / 15 : 1

        let unclampedBlue = luminance - 2.0 / 3.0 * yellowBlue
        let unclampedRed = (3 * luminance - unclampedBlue + redGreen) / 2
        let unclampedGreen = unclampedRed - redGreen
        red = min(max(unclampedRed, 0), 1)
        green = min(max(unclampedGreen, 0), 1)
        blue = min(max(unclampedBlue, 0), 1)

        let longSideTerms = hasAlpha ? 5 : 7
        let shortSideTerms = Int(hash[3] & 7)
        aspectRatio =
            isLandscape
            ? Double(longSideTerms) / Double(shortSideTerms)
            : Double(shortSideTerms) / Double(longSideTerms)
    }
}
