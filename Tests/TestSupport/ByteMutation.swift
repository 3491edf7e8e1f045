/// A format-blind change to an input's bytes, as both fuzz suites make them.
package enum ByteMutation: String, Sendable, CaseIterable {
    /// One to eight bits flipped at random places.
    case bitFlips = "bit flips"
    /// One to eight bytes overwritten with 0x00, 0xFF, 0x7F or 0x80, the values parsers get wrong at the edges.
    case boundaryBytes = "boundary bytes"
    /// Cut at a random point, possibly to nothing.
    case truncation
    /// A run of up to a quarter of the bytes copied to a random place.
    case chunkDuplication = "chunk duplication"
    /// A run of up to a quarter of the bytes removed.
    case chunkRemoval = "chunk removal"

    /// The values `boundaryBytes` writes.
    private static let boundaryValues: [UInt8] = [0x00, 0xFF, 0x7F, 0x80]

    /// `bytes` changed by this mutation at places `random` picks; an empty input stays empty.
    package func apply(to bytes: [UInt8], using random: inout FuzzRandom) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        var output = bytes
        switch self {
        case .bitFlips:
            for _ in 0..<random.int(in: 1...8) {
                output[random.index(below: output.count)] ^= 1 << random.int(in: 0...7)
            }
        case .boundaryBytes:
            for _ in 0..<random.int(in: 1...8) {
                output[random.index(below: output.count)] = random.element(of: Self.boundaryValues)
            }
        case .truncation:
            output.removeLast(output.count - random.index(below: output.count))
        case .chunkDuplication:
            let chunk = Self.chunk(of: output, using: &random)
            output.insert(contentsOf: output[chunk], at: random.int(in: 0...output.count))
        case .chunkRemoval:
            output.removeSubrange(Self.chunk(of: output, using: &random))
        }
        return output
    }

    /// A random run of at least one and at most a quarter of the (non-empty) `bytes`.
    private static func chunk(of bytes: [UInt8], using random: inout FuzzRandom) -> Range<Int> {
        let length = random.int(in: 1...max(1, bytes.count / 4))
        let start = random.int(in: 0...(bytes.count - length))
        return start..<start + length
    }
}
