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
    /// The source's version id, on versioned buckets.
    package static let sourceVersionKey = "thumbworker-source-version"
    /// The creating event's `sequencer`, compared with a remove event's before thumbnails are deleted.
    package static let sourceSequencerKey = "thumbworker-source-sequencer"
    /// The rendition's name in the configuration that made it.
    package static let renditionKey = "thumbworker-rendition"
    /// The fingerprint of the rendition's spec (`RenditionSpec.fingerprint(with:)`), so a changed spec is re-rendered.
    package static let specKey = "thumbworker-spec"
    /// The rendition's width and height, `WxH`.
    package static let sizeKey = "thumbworker-size"
    /// The rendition's format (`jpeg`, `webp`, …), for keys that do not show it.
    package static let formatKey = "thumbworker-format"
    /// The generator value.
    package static let generator = "thumbworker/1"

    /// The metadata for `rendition` of `source`, made from `version` with the spec whose fingerprint is `spec`.
    package static func describing(
        _ source: ObjectLocation, version: SourceVersion, rendition: RenderedImage, spec: String
    ) -> [String: String] {
        var metadata = [
            generatorKey: generator,
            sourceBucketKey: encoded(source.bucket),
            sourceKeyKey: encoded(source.key),
            renditionKey: encoded(rendition.name),
            specKey: spec,
            sizeKey: "\(rendition.width)x\(rendition.height)",
            formatKey: rendition.format.rawValue,
        ]
        metadata[sourceETagKey] = version.eTag.map(encoded)
        metadata[sourceVersionKey] = version.versionID.map(encoded)
        metadata[sourceSequencerKey] = version.sequencer.map(encoded)
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

    /// The text `encoded(_:)` wrote; nil when `value` is not such an encoding.
    package static func decoded(_ value: String) -> String? {
        let input = Array(value.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%") {
                guard index + 2 < input.count,
                    let byte = UInt8(String(decoding: input[index + 1...index + 2], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// What a rendition's metadata says of how it was made; every field nil when it was not written by thumbworker or
/// by a version that did not record it.
package struct RecordedThumbnail: Sendable {
    /// The original's bucket.
    package var sourceBucket: String?
    /// The original's key.
    package var sourceKey: String?
    /// The configured rendition's name.
    package var rendition: String?
    /// The original's version it was made from.
    package var version: SourceVersion
    /// The spec fingerprint.
    package var spec: String?
    /// The width and height written.
    package var size: (width: Int, height: Int)?
    /// The format written.
    package var format: ImageFormat?

    /// Reads the recorded facts from a rendition's user metadata.
    package init(metadata: [String: String]) {
        let text = { (key: String) in metadata[key].flatMap(ThumbnailMetadata.decoded) }
        sourceBucket = text(ThumbnailMetadata.sourceBucketKey)
        sourceKey = text(ThumbnailMetadata.sourceKeyKey)
        rendition = text(ThumbnailMetadata.renditionKey)
        version = SourceVersion(
            eTag: text(ThumbnailMetadata.sourceETagKey), versionID: text(ThumbnailMetadata.sourceVersionKey),
            sequencer: text(ThumbnailMetadata.sourceSequencerKey))
        spec = metadata[ThumbnailMetadata.specKey]
        let sides = metadata[ThumbnailMetadata.sizeKey]?.split(separator: "x").compactMap { Int($0) } ?? []
        size = sides.count == 2 ? (sides[0], sides[1]) : nil
        format = metadata[ThumbnailMetadata.formatKey].flatMap(ImageFormat.init(rawValue:))
    }
}

extension String {
    /// The string with leading zeros up to `length` characters.
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
