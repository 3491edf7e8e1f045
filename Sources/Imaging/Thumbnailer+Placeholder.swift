import CVipsShim
import Foundation

extension Thumbnailer {
    /// The longest side of the image a placeholder is computed from (ThumbHash takes at most 100×100).
    static let placeholderSide = 100

    /// Computes the ThumbHash and dominant colour from a ≤100 px version of the first frame.
    func makePlaceholder(from input: ResizeInput, source: SourceInfo) throws(ImagingError) -> Placeholder {
        var options = ThumbVipsThumbnailOptions(
            width: Int32(Self.placeholderSide), height: Int32(Self.placeholderSide),
            size: Int32(VIPS_SIZE_DOWN.rawValue), crop: Int32(VIPS_INTERESTING_NONE.rawValue), pages: 1,
            convert_profile_to_srgb: source.hasProfile ? 1 : 0
        )
        let failure = "the placeholder cannot be computed"
        let small: VipsImage
        switch input {
        case .decoded(let decoded):
            let firstFrame = try decoded.firstFrames(1)
            small = try VipsImage.make(.corrupt, failure) { thumb_vips_thumbnail_image(firstFrame.pointer, $0, &options) }
        case .encoded(let buffer):
            small = try VipsImage.make(.corrupt, failure) {
                thumb_vips_thumbnail_buffer(buffer.baseAddress, buffer.count, $0, &options)
            }
        }
        var pixels: UnsafeMutableRawPointer?
        var length = 0
        guard thumb_vips_write_rgba(small.pointer, &pixels, &length) == 0, let pixels else {
            throw ImagingError(.corrupt, failure, libvipsMessage: LibVips.takeError())
        }
        defer { thumb_vips_free(pixels) }
        let rgba = Array(UnsafeRawBufferPointer(start: pixels, count: length))
        let hash = ThumbHash.encode(width: small.width, height: small.height, rgba: rgba)
        let dominant = DominantColor.of(width: small.width, height: small.height, rgba: rgba) ?? settings.background
        return Placeholder(thumbHash: Data(hash).base64EncodedString(), dominantColor: dominant.hex)
    }
}
