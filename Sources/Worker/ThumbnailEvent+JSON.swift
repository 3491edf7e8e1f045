import Foundation

extension ThumbnailEvent {
    /// The event as compact JSON with sorted keys and ISO 8601 times — the body every notifier sends.
    package func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding plain strings, numbers and dates cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }

    /// Reads an event back from its JSON form (for receivers and tests).
    package static func decode(json: [UInt8]) throws -> ThumbnailEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ThumbnailEvent.self, from: Data(json))
    }
}
