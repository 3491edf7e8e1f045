import Foundation

/// Percent-encoding as SigV4 defines it (`UriEncode` in
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): the RFC 3986 unreserved
/// characters `A-Z a-z 0-9 - . _ ~` stay as they are, every other UTF-8 byte becomes `%XX` with upper-case hex.
package enum URIEncoding {
    /// Encodes `text`; `/` stays when `preservingSlashes` (paths, S3 object keys) and becomes `%2F` otherwise (query parts).
    package static func encode(_ text: some StringProtocol, preservingSlashes: Bool) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (preservingSlashes && byte == UInt8(ascii: "/")) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += byte < 0x10 ? "%0" : "%"
                encoded += String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    /// Decodes `%XX` escapes; text with a malformed escape is returned unchanged, since it cannot have been encoded.
    static func decode(_ text: some StringProtocol) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
