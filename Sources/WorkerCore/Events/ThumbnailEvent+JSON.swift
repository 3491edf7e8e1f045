import Foundation

extension ThumbnailEvent {
    /// The event as compact JSON with sorted keys and ISO 8601 times — the body every notifier sends.
    package func jsonBytes() -> [UInt8] {
        // Encoding plain strings, numbers and dates cannot fail.
        Array((try? Self.encoder.encode(self)) ?? Data())
    }

    /// One encoder for every event (each notifier encodes each event): compact, sorted keys, ISO 8601 times.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Reads an event back from its JSON form (for receivers and tests).
    package static func decode(json: [UInt8]) throws -> ThumbnailEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ThumbnailEvent.self, from: Data(json))
    }
}
