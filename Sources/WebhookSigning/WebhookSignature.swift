import Crypto
package import Foundation

/// The HMAC-SHA256 signature a webhook delivery carries, and the check its receiver makes.
///
/// The sender puts the unix time in seconds in `X-Thumbworker-Timestamp` and
/// `sha256=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` in `X-Thumbworker-Signature`.
/// A receiver verifies a delivery this way (what `verify` does):
/// 1. read both headers and the raw body bytes, before parsing the JSON (re-encoding it changes the bytes);
/// 2. compute HMAC-SHA256 with the shared secret over the timestamp's digits, one `.`, then the body;
/// 3. compare it with the hex after `sha256=` in constant time (never with `==` on strings);
/// 4. reject a timestamp more than 5 minutes older (or newer) than its own clock, so a captured delivery cannot be
///    replayed later;
/// 5. still expect the same event more than once: delivery is at least once, so dedupe on
///    `type` + `source.bucket` + `source.key` + `source.eTag`.
///
/// Every retry is signed anew with the time it is sent at. The signed text is the one Stripe's webhook signatures use.
package struct WebhookSignature: Sendable {
    /// The header holding the signature.
    package static let signatureHeader = "X-Thumbworker-Signature"
    /// The header holding the unix time in seconds the signature was made at.
    package static let timestampHeader = "X-Thumbworker-Timestamp"
    /// How far a timestamp may be from the receiver's clock, either way: 5 minutes.
    package static let defaultTolerance: Duration = .seconds(300)

    /// What a receiver's check found.
    package enum Verification: Sendable, Hashable {
        /// The signature matches the body and the timestamp is recent.
        case valid
        /// A header is missing, or is not `sha256=<64 hex digits>` and a whole number of seconds.
        case malformed
        /// The timestamp is further from now than the tolerance; the delivery may be a replay.
        case stale
        /// The signature does not match: another secret, or the body or timestamp was changed.
        case mismatch
    }

    private static let prefix = "sha256="
    private let secret: [UInt8]

    /// A signer and checker for the shared `secret` (its UTF-8 bytes are the HMAC key).
    package init(secret: String) {
        self.secret = Array(secret.utf8)
    }

    /// The HMAC key; made per use because `SymmetricKey` is not `Sendable`.
    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// The `X-Thumbworker-Signature` value for `body` sent at `timestamp` (unix seconds).
    package func headerValue(timestamp: Int, body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Self.signedBytes(timestamp: String(timestamp), body: body), using: key)
        return Self.prefix + code.map { byte in String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16) }.joined()
    }

    /// Checks a delivery's signature and timestamp header values against its raw `body`, as a receiver must.
    package func verify(
        signature: String?,
        timestamp: String?,
        body: [UInt8],
        now: Date = Date(),
        tolerance: Duration = WebhookSignature.defaultTolerance
    ) -> Verification {
        guard let signature, signature.hasPrefix(Self.prefix),
            let code = Self.bytes(hex: signature.dropFirst(Self.prefix.count)),
            let timestamp, let seconds = Int(timestamp)
        else {
            return .malformed
        }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= Double(tolerance.components.seconds) else {
            return .stale
        }
        let message = Self.signedBytes(timestamp: timestamp, body: body)
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: key) ? .valid : .mismatch
    }

    /// `<timestamp>.<body>`, the bytes the HMAC covers.
    private static func signedBytes(timestamp: String, body: [UInt8]) -> [UInt8] {
        Array(timestamp.utf8) + [UInt8(ascii: ".")] + body
    }

    /// The bytes of exactly 64 hex digits (a SHA-256 MAC), or nil.
    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = hex.utf8.compactMap { UInt8(String(UnicodeScalar($0)), radix: 16) }
        guard hex.utf8.count == 2 * SHA256.byteCount, digits.count == hex.utf8.count else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
