import Foundation

/// The signing instant as SigV4 writes it: `20150830T123600Z` in requests, and its day `20150830` in the credential scope.
struct SigningTime {
    /// The ISO 8601 basic-format UTC timestamp sent as `X-Amz-Date`.
    let timestamp: String

    /// Renders `date` in UTC, dropping fractions of a second.
    init(_ date: Date) {
        timestamp = date.formatted(Self.basicISO8601)
    }

    /// Parses an `X-Amz-Date` timestamp; `nil` unless it is exactly the form `init(_:)` renders.
    static func date(parsing timestamp: String) -> Date? {
        guard let date = try? basicISO8601.parse(timestamp), SigningTime(date).timestamp == timestamp else {
            return nil
        }
        return date
    }

    /// The `yyyyMMdd` day the signing key is derived for.
    var day: String { String(timestamp.prefix(8)) }

    private static let basicISO8601 = Date.ISO8601FormatStyle(
        dateSeparator: .omitted,
        dateTimeSeparator: .standard,
        timeSeparator: .omitted,
        timeZone: .gmt
    )
}
