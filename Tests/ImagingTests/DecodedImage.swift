import CVipsShim
import Foundation
import Imaging
import Testing

/// An encoded image decoded by libvips into sRGB RGBA pixels, so tests can look at colours.
struct DecodedImage: CustomTestStringConvertible {
    let width: Int
    let height: Int
    let rgba: [UInt8]

    /// Decodes an encoded image (the first frame, or all stacked for animations).
    init(_ encoded: [UInt8]) throws {
        // libvips reads the buffer lazily, so every pixel must be fetched while the bytes are pinned.
        let decoded = encoded.withUnsafeBytes { buffer -> (width: Int, height: Int, rgba: [UInt8])? in
            var header: UnsafeMutablePointer<VipsImage>?
            guard thumb_vips_open_header(buffer.baseAddress, buffer.count, &header, nil) == 0, let header else {
                return nil
            }
            defer { g_object_unref(header) }
            return Self.rgba(of: header)
        }
        try self.init(decoded)
    }

    /// Reads the pixels of an image libvips already holds (a step's result), all frames stacked.
    init(pixelsOf image: UnsafeMutablePointer<VipsImage>) throws {
        try self.init(Self.rgba(of: image))
    }

    /// Why an image could not be read: libvips could not decode it or make 8-bit sRGB pixels of it.
    struct Unreadable: Error, CustomStringConvertible {
        let description = "libvips could not decode the image or make 8-bit pixels of it"
    }

    private init(_ decoded: (width: Int, height: Int, rgba: [UInt8])?) throws {
        guard let image = decoded, image.rgba.count == image.width * image.height * 4 else { throw Unreadable() }
        (width, height, rgba) = (image.width, image.height, image.rgba)
    }

    /// Decodes an encoded image on the rendering pool.
    static func offCooperativeThreads(_ encoded: [UInt8]) async throws -> DecodedImage {
        try await ImagingTests.offCooperativeThreads { try DecodedImage(encoded) }
    }

    /// The image's pixels as 8-bit RGBA (grey repeated into red, green and blue; opaque when it has no alpha).
    private static func rgba(of source: UnsafeMutablePointer<VipsImage>) -> (width: Int, height: Int, rgba: [UInt8])? {
        var eightBit: UnsafeMutablePointer<VipsImage>?
        guard thumb_vips_to_8bit(source, &eightBit, nil) == 0, let eightBit else { return nil }
        defer { g_object_unref(eightBit) }
        var memory: UnsafeMutablePointer<VipsImage>?
        guard thumb_vips_copy_memory(eightBit, &memory, nil) == 0, let image = memory else { return nil }
        defer { g_object_unref(image) }
        var data: UnsafeRawPointer?
        guard thumb_vips_pixels(image, &data, nil) == 0, let data else { return nil }
        let (width, height, bands) = (
            Int(vips_image_get_width(image)), Int(vips_image_get_height(image)), Int(vips_image_get_bands(image))
        )
        let pixels = UnsafeRawBufferPointer(start: data, count: width * height * bands)
        // Written in place: an array literal a pixel is slow in debug builds. Grey is repeated into red, green, blue.
        let colourBands = bands < 3 ? [0, 0, 0] : [0, 1, 2]
        let alphaBand: Int? = bands == 2 ? 1 : (bands >= 4 ? 3 : nil)
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for pixel in 0..<width * height {
            let (source, target) = (pixel * bands, pixel * 4)
            for channel in 0..<3 {
                rgba[target + channel] = pixels[source + colourBands[channel]]
            }
            if let alphaBand {
                rgba[target + 3] = pixels[source + alphaBand]
            }
        }
        return (width, height, rgba)
    }

    /// A short description for failure messages, instead of every pixel.
    var testDescription: String {
        "\(width)×\(height) image, corners \(pixel(atX: 0.25, y: 0.25)) \(pixel(atX: 0.75, y: 0.25)) / \(pixel(atX: 0.25, y: 0.75)) \(pixel(atX: 0.75, y: 0.75))"
    }

    /// The pixel at a fraction of the width and height, e.g. (0.25, 0.25) for the centre of the top-left quadrant.
    func pixel(atX x: Double, y: Double) -> (red: Int, green: Int, blue: Int, alpha: Int) {
        let column = min(width - 1, Int(Double(width) * x))
        let row = min(height - 1, Int(Double(height) * y))
        let offset = (row * width + column) * 4
        return (Int(rgba[offset]), Int(rgba[offset + 1]), Int(rgba[offset + 2]), Int(rgba[offset + 3]))
    }

    /// Whether the pixel at a fraction of the size is within `tolerance` of a colour on every channel.
    func isColour(atX x: Double, y: Double, _ red: Int, _ green: Int, _ blue: Int, tolerance: Int = 24) -> Bool {
        let pixel = pixel(atX: x, y: y)
        return abs(pixel.red - red) <= tolerance && abs(pixel.green - green) <= tolerance
            && abs(pixel.blue - blue) <= tolerance
    }

    /// The mean over all pixels of max − min of red, green and blue: 0 for greys, 255 for pure hues.
    var meanSaturation: Double {
        let total = stride(from: 0, to: rgba.count, by: 4).reduce(0) { sum, offset in
            let channels = rgba[offset..<offset + 3]
            return sum + Int(channels.max()!) - Int(channels.min()!)
        }
        return Double(total) / Double(max(1, width * height))
    }

    /// Whether some pixel is within `tolerance` of a colour on every channel.
    func hasColour(_ red: Int, _ green: Int, _ blue: Int, tolerance: Int = 24) -> Bool {
        stride(from: 0, to: rgba.count, by: 4).contains { offset in
            abs(Int(rgba[offset]) - red) <= tolerance && abs(Int(rgba[offset + 1]) - green) <= tolerance
                && abs(Int(rgba[offset + 2]) - blue) <= tolerance
        }
    }

    /// The peak signal-to-noise ratio of the red, green and blue channels against `reference`, an image of the same
    /// size, in dB (infinity when they are equal).
    func psnr(against reference: DecodedImage) -> Double {
        var squares = 0
        var count = 0
        for index in 0..<min(rgba.count, reference.rgba.count) where index % 4 != 3 {
            let difference = Int(rgba[index]) - Int(reference.rgba[index])
            squares += difference * difference
            count += 1
        }
        let meanSquare = Double(squares) / Double(max(1, count))
        return 10 * log10(255 * 255 / meanSquare)
    }

    /// Whether the image shows the quadrants picture upright: red, green / blue, white.
    var showsUprightQuadrants: Bool {
        isColour(atX: 0.25, y: 0.25, 255, 0, 0) && isColour(atX: 0.75, y: 0.25, 0, 255, 0)
            && isColour(atX: 0.25, y: 0.75, 0, 0, 255) && isColour(atX: 0.75, y: 0.75, 255, 255, 255)
    }
}

/// The format of encoded bytes, by magic number.
func sniffedFormat(_ bytes: [UInt8]) -> ImageFormat? {
    ImageFormat(sniffing: bytes)
}
