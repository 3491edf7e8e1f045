import CVipsShim

/// Step 8, encode: a rendition's concrete format (`auto` decided by its pixels, before they are flattened), its
/// metadata policy, quality and interlacing.
struct EncodeStep {
    /// The quality of renditions that give none.
    let quality: QualityDefaults

    /// The concrete format of a rendition: `auto` becomes PNG when the image has visible transparency, else JPEG.
    static func format(for rendition: RenditionSpec, image: VipsImage) throws(ImagingError) -> ImageFormat {
        if let format = rendition.format.fixedFormat {
            return format
        }
        return try hasTransparency(image) ? .png : .jpeg
    }

    /// Encodes a finished rendition, applying its metadata policy.
    func encode(_ pixels: VipsImage, as format: ImageFormat, rendition: RenditionSpec) throws(ImagingError) -> [UInt8] {
        // The pixels may be shared with other renditions: fields are removed from a copy of the metadata only.
        var image = pixels
        if rendition.metadata == .icc {
            image = try pixels.withOwnMetadata()
            image.removeMetadata(keepingICC: true)
        }
        var options = ThumbVipsSaveOptions(
            format: Self.saveFormat(format),
            quality: Int32(rendition.quality ?? quality.quality(for: format)),
            interlace: rendition.progressive ? 1 : 0,
            strip: rendition.metadata == .strip ? 1 : 0,
            effort: 4,
            lossless: 0
        )
        var output: UnsafeMutableRawPointer?
        var length = 0
        let failure = "rendition '\(rendition.name)' cannot be encoded as \(format.rawValue)"
        try LibVips.call(.encodeFailed, failure) { thumb_vips_save(image.pointer, &options, &output, &length, $0) }
        guard let output else { throw ImagingError(.encodeFailed, failure) }
        defer { thumb_vips_free(output) }
        return Array(UnsafeRawBufferPointer(start: output, count: length))
    }

    private static func saveFormat(_ format: ImageFormat) -> ThumbVipsSaveFormat {
        switch format {
        case .png: THUMB_VIPS_PNG
        case .webp: THUMB_VIPS_WEBP
        case .avif: THUMB_VIPS_AVIF
        case .gif: THUMB_VIPS_GIF
        default: THUMB_VIPS_JPEG
        }
    }

    /// Whether any pixel is less than fully opaque.
    private static func hasTransparency(_ image: VipsImage) throws(ImagingError) -> Bool {
        guard image.hasAlpha else { return false }
        var minimum = 0.0
        try LibVips.call(.corrupt, "the alpha channel cannot be read") {
            thumb_vips_alpha_minimum(image.pointer, &minimum, $0)
        }
        return minimum < 255
    }
}
