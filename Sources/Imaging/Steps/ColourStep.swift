import CVipsShim

/// Step 4, colour: 8-bit sRGB out, whatever came in.
///
/// The decode pass converts an embedded ICC profile to sRGB and always converts CMYK (libvips 8.14 with its built-in
/// CMYK profile, even over an embedded one: see testdata/README.md); any other colour space and any depth then becomes
/// 8-bit sRGB, or 8-bit grey for grey inputs.
enum ColourStep {
    /// Asks the decode pass to convert an embedded profile to sRGB; untagged images are left alone, as libvips 8.14
    /// would shift their colours.
    static func configure(_ options: inout ThumbVipsThumbnailOptions, source: SourceInfo) {
        options.convert_profile_to_srgb = source.hasProfile ? 1 : 0
    }

    /// The same picture as 8-bit sRGB (or 8-bit grey for grey inputs), whatever its depth and colour space.
    static func convertTo8Bit(_ image: VipsImage) throws(ImagingError) -> VipsImage {
        try VipsImage.make(.corrupt, "the image's colours cannot be converted to 8-bit sRGB") {
            thumb_vips_to_8bit(image.pointer, $0, $1)
        }
    }
}
