import Foundation

/// Ids for groups and images that sort in creation order: 12 hex digits of milliseconds since 1970, then 12 random
/// ones (48 bits, so ids made in the same millisecond do not collide in practice).
enum ItemIDs {
    /// A new id for an item made at `time`.
    static func make(at time: Date) -> String {
        let milliseconds = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        let random = UInt64.random(in: 0..<(1 << 48))
        return hex(milliseconds) + hex(random)
    }

    /// Whether `text` has an id's shape, so a malformed id in a path is a 404 without a catalog read.
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 24 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
}
