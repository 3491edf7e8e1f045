import Crypto
package import Foundation

/// The payload's entry in the canonical request: the body's SHA-256 in lower-case hex, or `UNSIGNED-PAYLOAD`.
package struct PayloadHash: Sendable, Hashable {
    /// The text signed and, for S3, sent as `x-amz-content-sha256`.
    package let value: String

    /// Uses a SHA-256 digest computed elsewhere (for a body streamed from disk, say); it must be lower-case hex.
    package init(sha256Hex: String) {
        self.value = sha256Hex
    }

    /// Hashes the whole body now.
    package static func sha256(of payload: some DataProtocol) -> PayloadHash {
        PayloadHash(sha256Hex: SHA256.hash(data: payload).lowercaseHex)
    }

    /// The hash of an empty body, for GET, HEAD and DELETE requests.
    package static let emptyPayload = sha256(of: [UInt8]())

    /// Leaves the body out of the signature; S3 accepts it, and it is what presigned S3 URLs use
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
    package static let unsigned = PayloadHash(sha256Hex: "UNSIGNED-PAYLOAD")
}
