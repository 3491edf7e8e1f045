/// What the header of an upload says, read before decoding.
package struct SourceInfo: Sendable, Hashable, Codable {
    /// The format recognised from the magic bytes.
    package var format: ImageFormat
    /// Width as displayed, after applying the EXIF orientation.
    package var width: Int
    /// Height as displayed, after applying the EXIF orientation (one frame, for animations).
    package var height: Int
    /// Size of the encoded input.
    package var bytes: Int
    /// The EXIF orientation tag (1–8; 1 when absent).
    package var orientation: Int
    /// Frames (pages) in the file.
    package var frames: Int
    /// Whether the image has an alpha channel.
    package var hasAlpha: Bool
    /// Whether the image embeds an ICC colour profile (converted to sRGB when it does).
    package var hasProfile: Bool
    /// Whether it is a progressive JPEG, whose decoding holds the whole image's coefficients in memory.
    package var isProgressive: Bool
}

/// One encoded rendition.
package struct RenderedImage: Sendable {
    /// The rendition's name.
    package var name: String
    /// The output format (never `auto`: the choice made for this image).
    package var format: ImageFormat
    /// Output width in pixels.
    package var width: Int
    /// Output height in pixels (one frame, for animations).
    package var height: Int
    /// Frames in the output.
    package var frames: Int
    /// The encoded bytes.
    package var data: [UInt8]
}

/// A tiny stand-in shown while the thumbnail loads.
package struct Placeholder: Sendable, Hashable, Codable {
    /// The ThumbHash, base64-encoded.
    package var thumbHash: String
    /// The dominant colour as `#rrggbb`.
    package var dominantColor: String
}

/// Seconds spent in each stage of one upload.
package struct StageTimings: Sendable, Hashable, Codable {
    /// Reading the header and checking limits.
    package var inspect: Double = 0
    /// Decoding (with shrink-on-load) into the shared intermediate image.
    package var decode: Double = 0
    /// Resizing, cropping and flattening the renditions.
    package var resize: Double = 0
    /// Encoding the renditions.
    package var encode: Double = 0
    /// Computing the placeholder.
    package var placeholder: Double = 0

    /// The sum of all stages.
    package var total: Double { inspect + decode + resize + encode + placeholder }
}

/// Everything made from one upload.
package struct RenderResult: Sendable {
    /// What the input was.
    package var source: SourceInfo
    /// The renditions, in the order they were asked for.
    package var renditions: [RenderedImage]
    /// The placeholder, when enabled.
    package var placeholder: Placeholder?
    /// Time per stage.
    package var timings: StageTimings
}
