package import Imaging

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
    /// The source's entity tag, so a duplicate delivery can tell the outputs are already current.
    package static let sourceETagKey = "thumbworker-source-etag"
    /// The rendition's width and height, `WxH`.
    package static let sizeKey = "thumbworker-size"
    /// The generator value.
    package static let generator = "thumbworker/1"

    /// The metadata for a rendition of `source`.
    package static func describing(_ source: ObjectLocation, eTag: String?, rendition: RenderedImage) -> [String:
        String]
    {
        var metadata = [
            generatorKey: generator,
            sourceBucketKey: encoded(source.bucket),
            sourceKeyKey: encoded(source.key),
            sizeKey: "\(rendition.width)x\(rendition.height)",
        ]
        metadata[sourceETagKey] = eTag.map(encoded)
        return metadata
    }

    /// A metadata value: printable ASCII kept as is; every other byte, and `%`, written as `%XX`.
    package static func encoded(_ text: String) -> String {
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
