/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): a few lines of
/// arithmetic, so a fuzz run makes the same inputs from the same seed on every machine and toolchain.
///
/// It draws without the standard library's `random(in:using:)`, whose algorithm may change between Swift releases.
package struct FuzzRandom: Sendable {
    private var state: UInt64

    /// A sequence that starts from `seed`.
    package init(seed: UInt64) {
        state = seed
    }

    /// The next 64 pseudo-random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A whole number in `range` (the modulo bias is far too small to matter for fuzzing).
    package mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// An index into a collection of `count` elements; `count` must be positive.
    package mutating func index(below count: Int) -> Int {
        int(in: 0...(count - 1))
    }

    /// One element of a non-empty array.
    package mutating func element<Element>(of array: [Element]) -> Element {
        array[index(below: array.count)]
    }

    /// True about once in `times` draws.
    package mutating func oneIn(_ times: Int) -> Bool {
        index(below: times) == 0
    }
}
