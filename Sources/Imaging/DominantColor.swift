/// The dominant colour of an image, as sharp's `stats().dominant` finds it: a 16×16×16 RGB histogram.
package enum DominantColor {
    /// Pixels below this alpha count as mostly transparent and are left out.
    private static let minimumAlpha: UInt8 = 128

    /// The most common colour of RGBA8 pixels, by a coarse histogram, then the mean of the winning bin.
    ///
    /// Ties go to the lowest bin (darkest red, then green, then blue); nil when no pixel is opaque enough.
    package static func of(width: Int, height: Int, rgba: [UInt8]) -> RGBColor? {
        precondition(width >= 0 && height >= 0, "image size must not be negative, got \(width)x\(height)")
        precondition(rgba.count == width * height * 4, "need width*height*4 RGBA bytes, got \(rgba.count)")
        let pixelOffsets = stride(from: 0, to: rgba.count, by: 4).lazy.filter { rgba[$0 + 3] >= minimumAlpha }

        var counts = [Int](repeating: 0, count: 16 * 16 * 16)
        for offset in pixelOffsets {
            counts[bin(ofPixelAt: offset, in: rgba)] += 1
        }
        // `max(by:)` keeps the first of equal maxima, so ties resolve to the lowest bin.
        guard let (winningBin, count) = counts.enumerated().max(by: { $0.element < $1.element }), count > 0 else {
            return nil
        }

        var sums = (red: 0, green: 0, blue: 0)
        for offset in pixelOffsets where bin(ofPixelAt: offset, in: rgba) == winningBin {
            sums.red += Int(rgba[offset])
            sums.green += Int(rgba[offset + 1])
            sums.blue += Int(rgba[offset + 2])
        }
        let roundedMean = { (sum: Int) in UInt8((sum + count / 2) / count) }
        return RGBColor(red: roundedMean(sums.red), green: roundedMean(sums.green), blue: roundedMean(sums.blue))
    }

    /// The histogram bin of a pixel: the top four bits of red, green and blue.
    private static func bin(ofPixelAt offset: Int, in rgba: [UInt8]) -> Int {
        Int(rgba[offset] >> 4) << 8 | Int(rgba[offset + 1] >> 4) << 4 | Int(rgba[offset + 2] >> 4)
    }
}
