/// Reduces 8-bit band-packed pixels to a small RGBA image by averaging a few samples per output pixel.
///
/// Good enough for placeholders (ThumbHash keeps only low frequencies), and far cheaper than a full resize:
/// the cost grows with the output size, not the input size.
enum PixelSampler {
    /// The longest side of the result; ThumbHash accepts at most 100×100.
    static let maximumSide = 100
    /// Samples per output pixel along each axis, at most.
    private static let samplesPerAxis = 4

    /// The pixels (1 grey, 2 grey+alpha, 3 RGB or 4 RGBA bands) reduced to fit `maximumSide`, as RGBA.
    static func rgba(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int, bands: Int) -> (
        width: Int, height: Int, rgba: [UInt8]
    ) {
        let scale = min(1, Double(maximumSide) / Double(max(width, height)))
        let outputWidth = max(1, Int((Double(width) * scale).rounded()))
        let outputHeight = max(1, Int((Double(height) * scale).rounded()))
        var rgba = [UInt8](repeating: 0, count: outputWidth * outputHeight * 4)
        let columns = sampleOffsets(output: outputWidth, input: width)
        let rows = sampleOffsets(output: outputHeight, input: height)
        for y in 0..<outputHeight {
            for x in 0..<outputWidth {
                var sums = (0, 0, 0, 0)
                var count = 0
                for row in rows[y] {
                    for column in columns[x] {
                        let pixel = pixels + (row * width + column) * bands
                        let (red, green, blue, alpha) =
                            switch bands {
                            case 1: (Int(pixel[0]), Int(pixel[0]), Int(pixel[0]), 255)
                            case 2: (Int(pixel[0]), Int(pixel[0]), Int(pixel[0]), Int(pixel[1]))
                            case 3: (Int(pixel[0]), Int(pixel[1]), Int(pixel[2]), 255)
                            default: (Int(pixel[0]), Int(pixel[1]), Int(pixel[2]), Int(pixel[3]))
                            }
                        sums = (sums.0 + red, sums.1 + green, sums.2 + blue, sums.3 + alpha)
                        count += 1
                    }
                }
                let offset = (y * outputWidth + x) * 4
                rgba[offset] = UInt8(sums.0 / count)
                rgba[offset + 1] = UInt8(sums.1 / count)
                rgba[offset + 2] = UInt8(sums.2 / count)
                rgba[offset + 3] = UInt8(sums.3 / count)
            }
        }
        return (outputWidth, outputHeight, rgba)
    }

    /// For each output position, up to `samplesPerAxis` evenly spaced input positions inside its span.
    private static func sampleOffsets(output: Int, input: Int) -> [[Int]] {
        (0..<output).map { index in
            let start = Double(index) * Double(input) / Double(output)
            let span = Double(input) / Double(output)
            let count = max(1, min(samplesPerAxis, Int(span.rounded(.up))))
            return (0..<count).map { sample in
                min(input - 1, Int(start + span * (Double(sample) + 0.5) / Double(count)))
            }
        }
    }
}
