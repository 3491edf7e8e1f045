import Foundation

/// The ISO 8601 UTC times AWS writes in XML and JSON answers (`2026-02-25T06:03:31Z`, `2026-02-25T06:03:31.000Z`).
enum ISO8601Timestamp {
    private static let plain = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The instant `text` names, with or without fractional seconds; nil for any other form.
    static func parse(_ text: String) -> Date? {
        (try? plain.parse(text)) ?? (try? fractional.parse(text))
    }
}
