import CVipsShim
import Foundation

/// Step 9, placeholder: the ThumbHash and dominant colour of the first frame, sampled down to at most 100×100 in Swift.
///
/// The shared decode and the renditions made from it are already in memory, so reading the smallest of them that is
/// big enough costs nothing; running a libvips resize for the placeholder cost about 1 ms of pipeline setup, over a
/// tenth of a small job.
struct PlaceholderStep {
    /// The dominant colour of an image with no pixel opaque enough to count.
    let background: RGBColor

    /// What a failed placeholder says.
    static let failure = "the placeholder cannot be computed"

    /// The box of the placeholder's own decode, when there is no shared one: what the sampler reads at most.
    static var box: ThumbVipsThumbnailOptions {
        var box = ThumbVipsThumbnailOptions()
        box.width = Int32(PixelSampler.maximumSide)
        box.height = Int32(PixelSampler.maximumSide)
        box.size = Int32(VIPS_SIZE_DOWN.rawValue)
        box.crop = Int32(VIPS_INTERESTING_NONE.rawValue)
        return box
    }

    /// What the placeholder of the shared decode reads, among `bases` (``ResizeStep/canServeAsBase(_:for:among:)``:
    /// the whole picture, smaller and smaller): the smallest one the sampler does not have to enlarge. Cheaper than the
    /// decode, and, being lanczos-reduced already, a better source for its few samples a pixel.
    static func source(among bases: [VipsImage]) -> VipsImage {
        bases.last { max($0.width, $0.pageHeight) >= PixelSampler.maximumSide } ?? bases[0]
    }

    /// The placeholder of an upright 8-bit image in memory.
    func run(_ image: VipsImage) throws(ImagingError) -> Placeholder {
        var pixels: UnsafeRawPointer?
        try LibVips.call(.corrupt, Self.failure) { thumb_vips_pixels(image.pointer, &pixels, $0) }
        guard let pixels else { throw ImagingError(.corrupt, Self.failure) }
        let sample = PixelSampler.rgba(
            pixels.assumingMemoryBound(to: UInt8.self), width: image.width,
            height: min(image.pageHeight, image.height), bands: Int(vips_image_get_bands(image.pointer)))
        let hash = ThumbHash.encode(width: sample.width, height: sample.height, rgba: sample.rgba)
        let dominant = DominantColor.of(width: sample.width, height: sample.height, rgba: sample.rgba) ?? background
        return Placeholder(thumbHash: Data(hash).base64EncodedString(), dominantColor: dominant.hex)
    }
}
