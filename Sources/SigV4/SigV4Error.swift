import Foundation

/// Why a request could not be signed, with a message that says what to change.
///
/// Both causes are mistakes in the request being built, so retrying never helps.
package struct SigV4Error: Error, CustomStringConvertible {
    /// What went wrong, for code that reacts to a particular failure.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case urlWithoutHost
            case expiryOutOfRange
        }

        private let value: Value

        /// The URL had no host, so there was no `Host` header to sign.
        package static let urlWithoutHost = Code(value: .urlWithoutHost)
        /// A presigned URL was asked to stay valid for less than a second or more than seven days.
        package static let expiryOutOfRange = Code(value: .expiryOutOfRange)

        /// The code's name, such as `urlWithoutHost`.
        package var description: String { String(describing: value) }
    }

    /// What went wrong.
    package let code: Code
    /// What went wrong and what to do about it, for a person.
    package let message: String

    /// The code and the message.
    package var description: String { "SigV4Error.\(code): \(message)" }

    /// The URL had no host; only its path is quoted, since a query may carry a token.
    static func urlWithoutHost(_ url: URL) -> SigV4Error {
        SigV4Error(
            code: .urlWithoutHost,
            message: "cannot sign a request to '\(url.path(percentEncoded: true))': the URL has no host. "
                + "Pass an absolute URL built from the service endpoint, such as https://BUCKET.s3.REGION.amazonaws.com/KEY."
        )
    }

    /// A presigned URL's validity was outside what AWS accepts.
    static func expiryOutOfRange(seconds: Int64) -> SigV4Error {
        SigV4Error(
            code: .expiryOutOfRange,
            message: "a presigned URL must expire after 1 to \(SigV4Signer.longestPresignedValidity) seconds (7 days), "
                + "not \(seconds) seconds: choose an expiry in that range."
        )
    }
}
