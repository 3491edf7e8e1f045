/// The user metadata written on every rendition: where it came from and what made it.
///
/// The generator key doubles as the marker by which thumbworker recognises its own outputs.
package enum ThumbnailMetadata {
    /// Names the program that wrote a rendition.
    package static let generatorKey = "thumbworker-generator"
    /// The source bucket.
    package static let sourceBucketKey = "thumbworker-source-bucket"
    /// The source key, percent-encoded (S3 metadata travels in HTTP headers, which must be ASCII).
    package static let sourceKeyKey = "thumbworker-source-key"
    /// The generator value.
    package static let generator = "thumbworker/1"

    /// The metadata for a rendition of `source`.
    package static func describing(_ source: ObjectLocation) -> [String: String] {
        [
            generatorKey: generator,
            sourceBucketKey: percentEncoded(source.bucket),
            sourceKeyKey: percentEncoded(source.key),
        ]
    }

    /// Printable ASCII kept as is; every other byte, and `%`, written as `%XX`.
    private static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "%") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    /// The string with leading zeros up to `length` characters.
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
