import CVipsShim

/// Which decoder turns JPEG uploads into pixels (`imaging.jpeg_decoder`).
package enum JPEGDecoder: String, Sendable, Hashable, CaseIterable {
    /// libjpeg-turbo's TurboJPEG API at the DCT scale libvips would pick, to YCbCr planes that the shim resamples
    /// (lanczos3, SSE2) straight to the size libvips' thumbnail would make and only then turns into RGB, in a buffer
    /// libvips wraps: libvips' sizes, as sharp or sharper, without its loader's pipeline or its scalar reduce. Files it
    /// does not take (CMYK, 4:1:1 chroma, damage libjpeg warns about) go to libvips' loader.
    case turbojpeg
    /// libvips' own JPEG loader for every JPEG.
    case libvips
}

/// Step 2 for JPEG uploads on ``JPEGDecoder/turbojpeg``: the decode and the reduce done by TurboJPEG and the shim,
/// the rest of the pass (upright, colour, crop) by libvips as for any other decode.
enum TurboJPEGDecode {
    /// Whether `source` goes to TurboJPEG first with `decoder` chosen: a JPEG, on ``JPEGDecoder/turbojpeg``.
    static func applies(to source: SourceInfo, with decoder: JPEGDecoder) -> Bool {
        source.format == .jpeg && decoder == .turbojpeg
    }

    /// The DCT shrink (8, 4, 2 or 1) libvips' `vips_thumbnail` shrink-on-load picks for this box: the largest that
    /// still leaves at least a factor of two for its lanczos3 reduce. `source` is the upright size; the factor is the
    /// same as libvips computes on the stored size with the box turned.
    static func shrink(for box: ThumbVipsThumbnailOptions, source: SourceInfo) -> Int32 {
        var horizontal = Double(source.width) / Double(box.width)
        var vertical = Double(source.height) / Double(box.height)
        let fills = box.crop != Int32(VIPS_INTERESTING_NONE.rawValue)
        if box.size != Int32(VIPS_SIZE_FORCE.rawValue) {
            // One factor for both axes: the axis that fits the box (`inside`) or fills it (`cover`).
            let common = fills ? min(horizontal, vertical) : max(horizontal, vertical)
            (horizontal, vertical) = (common, common)
        }
        if box.size == Int32(VIPS_SIZE_UP.rawValue) {
            (horizontal, vertical) = (min(1, horizontal), min(1, vertical))
        } else if box.size == Int32(VIPS_SIZE_DOWN.rawValue) {
            (horizontal, vertical) = (max(1, horizontal), max(1, vertical))
        }
        let factor = min(horizontal, Double(source.width), vertical, Double(source.height))
        return switch factor {
        case 16...: 8
        case 8...: 4
        case 4...: 2
        default: 1
        }
    }

    /// The pass with TurboJPEG's decode, or nil when TurboJPEG does not take the file (the caller then decodes with
    /// libvips' loader, which decides what a damaged or unusual file is worth). Fails with `.corrupt` and `failure`
    /// only when libvips cannot set up the rest of the pass.
    static func decode(
        _ buffer: UnsafeRawBufferPointer, options: ThumbVipsThumbnailOptions, source: SourceInfo, failure: String
    ) throws(ImagingError) -> VipsImage? {
        var options = options
        let shrink = shrink(for: options, source: source)
        var output: UnsafeMutablePointer<CVipsShim.VipsImage>?
        try LibVips.call(.corrupt, failure) { error in
            let status = thumb_vips_thumbnail_jpeg_turbo(
                buffer.baseAddress, buffer.count, shrink, &output, &options, error)
            return status == 1 ? 0 : status
        }
        return output.map { VipsImage(owning: $0) }
    }
}
