#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// ThumbHash placeholders: an image's average colour, aspect ratio and blurred sketch in at most 25 bytes.
///
/// The format is Evan Wallace's (https://evanw.github.io/thumbhash/). The arithmetic follows the reference
/// encoder operation for operation (the same double-precision products, summed in the same order), so the
/// bytes match it except where a term is pure rounding noise: exactly symmetric images (a solid colour, a
/// gradient along one axis) get detail nibbles that vary with the `cos` of the platform's libm, there and
/// in the reference alike.
package enum ThumbHash {
    /// Encodes RGBA8 pixels (row-major, width*height*4 bytes, width and height ≤ 100) into ThumbHash bytes.
    package static func encode(width: Int, height: Int, rgba: [UInt8]) -> [UInt8] {
        precondition(
            (1...100).contains(width) && (1...100).contains(height),
            "ThumbHash needs 1...100 pixels on each side, got \(width)x\(height); downscale first"
        )
        precondition(rgba.count == width * height * 4, "ThumbHash needs width*height*4 RGBA bytes, got \(rgba.count)")

        let planes = ColourPlanes(width: width, height: height, rgba: rgba)
        let luminanceLimit = planes.hasAlpha ? 5 : 7
        let longestSide = Double(max(width, height))
        let luminanceColumns = max(1, quantized(Double(luminanceLimit * width) / longestSide))
        let luminanceRows = max(1, quantized(Double(luminanceLimit * height) / longestSide))
        let smallestGrid = planes.hasAlpha ? 5 : 3
        let basis = CosineBasis(
            width: width,
            height: height,
            columnFrequencies: max(luminanceColumns, smallestGrid),
            rowFrequencies: max(luminanceRows, smallestGrid)
        )

        let luminance = basis.terms(
            of: planes.luminance,
            columns: max(3, luminanceColumns),
            rows: max(3, luminanceRows)
        )
        let yellowBlue = basis.terms(of: planes.yellowBlue, columns: 3, rows: 3)
        let redGreen = basis.terms(of: planes.redGreen, columns: 3, rows: 3)
        let alpha = planes.hasAlpha ? basis.terms(of: planes.alpha, columns: 5, rows: 5) : nil

        let isLandscape = width > height
        let header24 =
            quantized(63 * luminance.constant)
            | (quantized(31.5 + 31.5 * yellowBlue.constant) << 6)
            | (quantized(31.5 + 31.5 * redGreen.constant) << 12)
            | (quantized(31 * luminance.scale) << 18)
            | (planes.hasAlpha ? 1 << 23 : 0)
        let header16 =
            (isLandscape ? luminanceRows : luminanceColumns)
            | (quantized(63 * yellowBlue.scale) << 3)
            | (quantized(63 * redGreen.scale) << 9)
            | (isLandscape ? 1 << 15 : 0)
        var hash = [header24, header24 >> 8, header24 >> 16, header16, header16 >> 8]
            .map(UInt8.init(truncatingIfNeeded:))
        if let alpha {
            hash.append(UInt8(truncatingIfNeeded: quantized(15 * alpha.constant) | (quantized(15 * alpha.scale) << 4)))
        }
        let varyingTerms = luminance.varying + yellowBlue.varying + redGreen.varying + (alpha?.varying ?? [])
        for (index, term) in varyingTerms.enumerated() {
            let nibble = quantized(15 * term)
            if index.isMultiple(of: 2) {
                hash.append(UInt8(truncatingIfNeeded: nibble))
            } else {
                hash[hash.count - 1] |= UInt8(truncatingIfNeeded: nibble << 4)
            }
        }
        return hash
    }

    /// Rounds half up, as the reference's `Math.round` does for the non-negative values quantised here.
    private static func quantized(_ value: Double) -> Int {
        Int(value.rounded(.toNearestOrAwayFromZero))
    }
}

/// The image as luminance, yellow–blue and red–green planes composited over its average colour, plus alpha.
private struct ColourPlanes {
    /// `alpha / 255` for every alpha byte (a table lookup is faster than the division and gives the same bits).
    private static let opacities: [Double] = (0...255).map { Double($0) / 255 }
    /// `alpha / 255 / 255`, the factor a colour byte is multiplied by before compositing.
    private static let colourWeights: [Double] = opacities.map { $0 / 255 }

    let luminance: [Double]
    let yellowBlue: [Double]
    let redGreen: [Double]
    let alpha: [Double]
    let hasAlpha: Bool

    init(width: Int, height: Int, rgba: [UInt8]) {
        let pixelCount = width * height
        var averageRed = 0.0
        var averageGreen = 0.0
        var averageBlue = 0.0
        var alphaSum = 0.0
        for pixel in 0..<pixelCount {
            let offset = pixel * 4
            let weight = Self.colourWeights[Int(rgba[offset + 3])]
            averageRed += weight * Double(rgba[offset])
            averageGreen += weight * Double(rgba[offset + 1])
            averageBlue += weight * Double(rgba[offset + 2])
            alphaSum += Self.opacities[Int(rgba[offset + 3])]
        }
        if alphaSum > 0 {
            averageRed /= alphaSum
            averageGreen /= alphaSum
            averageBlue /= alphaSum
        }
        hasAlpha = alphaSum < Double(pixelCount)

        var luminance = [Double](repeating: 0, count: pixelCount)
        var yellowBlue = [Double](repeating: 0, count: pixelCount)
        var redGreen = [Double](repeating: 0, count: pixelCount)
        var alpha = [Double](repeating: 0, count: hasAlpha ? pixelCount : 0)
        for pixel in 0..<pixelCount {
            let offset = pixel * 4
            let opacity = Self.opacities[Int(rgba[offset + 3])]
            let weight = Self.colourWeights[Int(rgba[offset + 3])]
            let red = averageRed * (1 - opacity) + weight * Double(rgba[offset])
            let green = averageGreen * (1 - opacity) + weight * Double(rgba[offset + 1])
            let blue = averageBlue * (1 - opacity) + weight * Double(rgba[offset + 2])
            luminance[pixel] = (red + green + blue) / 3
            yellowBlue[pixel] = (red + green) / 2 - blue
            redGreen[pixel] = red - green
            if hasAlpha { alpha[pixel] = opacity }
        }
        self.luminance = luminance
        self.yellowBlue = yellowBlue
        self.redGreen = redGreen
        self.alpha = alpha
    }
}

/// One channel's DCT: the constant term, the varying terms mapped into 0...1, and the largest varying magnitude.
private struct ChannelTerms {
    var constant = 0.0
    var varying: [Double] = []
    var scale = 0.0
}

/// Cosines of the DCT basis at pixel centres, computed once per axis and shared by every channel.
private struct CosineBasis {
    /// Eight terms' sums, advanced together.
    private typealias Lanes = SIMD8<Double>

    let width: Int
    let height: Int
    let columnFrequencies: Int
    let rowFrequencies: Int
    /// `columnCosines[x * columnFrequencies + frequency]`.
    private let columnCosines: [Double]
    /// `rowCosines[y * rowFrequencies + frequency]`.
    private let rowCosines: [Double]

    init(width: Int, height: Int, columnFrequencies: Int, rowFrequencies: Int) {
        self.width = width
        self.height = height
        self.columnFrequencies = columnFrequencies
        self.rowFrequencies = rowFrequencies
        columnCosines = Self.cosines(length: width, frequencies: columnFrequencies)
        rowCosines = Self.cosines(length: height, frequencies: rowFrequencies)
    }

    /// `cos(π/length · frequency · (position + ½))`, grouped by position, multiplied in the reference's order.
    private static func cosines(length: Int, frequencies: Int) -> [Double] {
        (0..<length).flatMap { position in
            (0..<frequencies).map { frequency in
                cos(Double.pi / Double(length) * Double(frequency) * (Double(position) + 0.5))
            }
        }
    }

    /// The DCT terms of a channel, for the frequencies with `column * rows < columns * (rows - row)`, row by row.
    func terms(of channel: [Double], columns: Int, rows: Int) -> ChannelTerms {
        var frequencies: [(column: Int, row: Int)] = []
        for row in 0..<rows {
            var column = 0
            while column * rows < columns * (rows - row) {
                frequencies.append((column, row))
                column += 1
            }
        }
        // Terms go eight to a SIMD vector: each lane is one term's own sum, adding its products in the
        // reference's order (so the bits match), while the eight sums advance side by side.
        var sums: [Double] = []
        for groupStart in stride(from: 0, to: frequencies.count, by: Lanes.scalarCount) {
            let group = frequencies[groupStart..<min(groupStart + Lanes.scalarCount, frequencies.count)]
            let columnFactors = (0..<width).map { x in
                lanes(for: group) { columnCosines[x * columnFrequencies + $0.column] }
            }
            let rowFactors = (0..<height).map { y in
                lanes(for: group) { rowCosines[y * rowFrequencies + $0.row] }
            }
            var groupSums = Lanes()
            for y in 0..<height {
                let rowFactor = rowFactors[y]
                for x in 0..<width {
                    groupSums += channel[y * width + x] * columnFactors[x] * rowFactor
                }
            }
            sums += (0..<group.count).map { groupSums[$0] }
        }

        var result = ChannelTerms()
        for (index, sum) in sums.enumerated() {
            let term = sum / Double(width * height)
            if index == 0 {
                result.constant = term
            } else {
                result.varying.append(term)
                result.scale = max(result.scale, abs(term))
            }
        }
        if result.scale > 0 {
            result.varying = result.varying.map { 0.5 + 0.5 / result.scale * $0 }
        }
        return result
    }

    /// One value per term of the group, lane by lane; lanes past the group's end stay zero.
    private func lanes(
        for group: ArraySlice<(column: Int, row: Int)>,
        _ value: ((column: Int, row: Int)) -> Double
    ) -> Lanes {
        var lanes = Lanes()
        for (lane, frequency) in group.enumerated() {
            lanes[lane] = value(frequency)
        }
        return lanes
    }
}
