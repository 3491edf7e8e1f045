import CVipsShim

/// Step 2, decode with shrink-on-load: how large and how many frames the upload is decoded to, and the decode itself.
///
/// libvips decodes inside `vips_thumbnail`, the pass that also turns the picture upright (``OrientStep``), converts
/// its colours (``ColourStep``) and, for a rendition decoded on its own, resizes it (``ResizeStep``). Each of those
/// steps sets its own fields of the pass's options; `Thumbnailer` puts them together in order.
enum DecodeStep {
    /// The box of the decode all renditions share: the size the largest rendition needs of the upright source, never
    /// more than the source, so libvips shrinks on load (JPEG DCT scaling, WebP and HEIF subsampling) as far as it can.
    static func sharedBox(for renditions: [RenditionSpec], source: SourceInfo) -> ThumbVipsThumbnailOptions {
        let scale = min(
            1,
            renditions.map { ResizeStep.scale(for: $0, sourceWidth: source.width, sourceHeight: source.height) }.max()
                ?? 1
        )
        let landscape = source.width >= source.height
        // Rounded up so the shared image is never smaller than a rendition needs; the tolerance keeps 1024.0000001 at 1024.
        let side = { (length: Int) in Int32(max(1, (Double(length) * scale - 1e-6).rounded(.up))) }
        var box = ThumbVipsThumbnailOptions()
        box.width = landscape ? side(source.width) : Int32(VIPS_MAX_COORD)
        box.height = landscape ? Int32(VIPS_MAX_COORD) : side(source.height)
        box.size = Int32(VIPS_SIZE_DOWN.rawValue)
        box.crop = Int32(VIPS_INTERESTING_NONE.rawValue)
        return box
    }

    /// How many frames the shared decode loads: as many as the most animated rendition keeps, no more than the file has.
    static func sharedFrames(for renditions: [RenditionSpec], source: SourceInfo) -> Int {
        min(Thumbnailer.framesWanted(by: renditions), source.frames)
    }

    /// Sets the decode's own options: how many frames to load, and that damage the loader notices (a truncated file)
    /// is an error rather than grey or missing pixels.
    static func configure(_ options: inout ThumbVipsThumbnailOptions, frames: Int) {
        options.pages = Int32(frames)
        options.fail_on_error = 1
    }

    /// Decodes with the options the steps have set. libvips decodes lazily: a damaged file fails when the image is
    /// first evaluated (materialised or encoded), with the same code and `failure`.
    ///
    /// A JPEG goes to TurboJPEG first when `jpegDecoder` says so (``TurboJPEGDecode``), to libvips' loader when
    /// TurboJPEG does not take it.
    static func decode(
        _ buffer: UnsafeRawBufferPointer, options: ThumbVipsThumbnailOptions, source: SourceInfo,
        jpegDecoder: JPEGDecoder, failure: String
    ) throws(ImagingError) -> VipsImage {
        if TurboJPEGDecode.applies(to: source, with: jpegDecoder),
            let decoded = try TurboJPEGDecode.decode(buffer, options: options, source: source, failure: failure)
        {
            return decoded
        }
        var options = options
        return try VipsImage.make(.corrupt, failure) {
            thumb_vips_thumbnail_buffer(buffer.baseAddress, buffer.count, $0, &options, $1)
        }
    }

    /// What a failed shared decode says.
    static func failure(_ source: SourceInfo) -> String {
        "the \(source.format.rawValue) image cannot be decoded"
    }
}
