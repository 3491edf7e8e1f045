/// Limits checked against an image's header before any pixel is decoded.
package struct ImagingLimits: Sendable, Hashable {
    /// The largest input accepted, in bytes.
    package var maxInputBytes: Int = 50 * 1024 * 1024
    /// The most pixels decoded for one image: width × height × frames (imgproxy's default is 50 MP too).
    package var maxPixels: Int = 50_000_000
    /// The most frames (pages) an input may have.
    package var maxFrames: Int = 1000
    /// The formats accepted; anything else is refused by its magic bytes.
    package var allowedFormats: Set<ImageFormat> = ImageFormat.defaultAllowed

    /// The default limits.
    package init() {}
}

/// Quality used when a rendition gives none.
package struct QualityDefaults: Sendable, Hashable {
    /// JPEG quality (libvips' `Q`).
    package var jpeg = 80
    /// WebP quality.
    package var webp = 80
    /// AVIF quality (AV1 needs less for the same look).
    package var avif = 50

    /// The default qualities.
    package init() {}

    /// The quality for an output format (PNG and GIF are lossless and ignore it).
    func quality(for format: ImageFormat) -> Int {
        switch format {
        case .webp: webp
        case .avif: avif
        default: jpeg
        }
    }
}

/// Everything the image pipeline needs besides the renditions.
package struct ImagingSettings: Sendable, Hashable {
    /// Input limits.
    package var limits = ImagingLimits()
    /// Default qualities per format.
    package var quality = QualityDefaults()
    /// The colour transparency is flattened onto and `contain` pads with.
    package var background = RGBColor(red: 255, green: 255, blue: 255)
    /// Whether a ThumbHash and dominant colour are computed for each upload.
    package var placeholder = true
    /// Which decoder JPEG uploads go to first.
    package var jpegDecoder = JPEGDecoder.turbojpeg

    /// The default settings.
    package init() {}
}
