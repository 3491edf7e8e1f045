import Foundation

/// Reads the ISO 8601 `Expiration` of temporary credentials (`2026-02-25T06:03:31Z`, sometimes with fractional seconds).
enum CredentialExpiration {
    /// The instant `text` names; an `invalidResponse` error naming `source` when it is not an ISO 8601 UTC time.
    static func parse(_ text: String, sentBy source: String) throws(AWSError) -> Date {
        guard let date = ISO8601Timestamp.parse(text) else {
            throw AWSError(
                .invalidResponse, "\(source) sent an Expiration that is not an ISO 8601 time", retryable: false)
        }
        return date
    }
}
