import CVipsShim

/// Step 5, resize and crop: each rendition's box and fit, applied to the shared decode or to a larger rendition
/// already made, or, decoding per rendition, given as the box of that rendition's own decode.
enum ResizeStep {
    /// The `vips_thumbnail` box of a rendition: its size, whether it may enlarge or stretch, and what `cover` keeps.
    static func box(for rendition: RenditionSpec) -> ThumbVipsThumbnailOptions {
        let size: VipsSize =
            rendition.fit == .fill ? VIPS_SIZE_FORCE : rendition.upscale ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN
        let crop: VipsInteresting =
            switch (rendition.fit, rendition.gravity) {
            case (.cover, .centre): VIPS_INTERESTING_CENTRE
            case (.cover, .attention): VIPS_INTERESTING_ATTENTION
            case (.cover, .entropy): VIPS_INTERESTING_ENTROPY
            default: VIPS_INTERESTING_NONE
            }
        var box = ThumbVipsThumbnailOptions()
        box.width = Int32(rendition.width ?? Int(VIPS_MAX_COORD))
        box.height = Int32(rendition.height ?? Int(VIPS_MAX_COORD))
        box.size = Int32(size.rawValue)
        box.crop = Int32(crop.rawValue)
        return box
    }

    /// How many frames a rendition keeps: up to its `maxFrames` when animated, else the first.
    static func frames(of rendition: RenditionSpec, source: SourceInfo) -> Int {
        min(rendition.framesWanted, source.frames)
    }

    /// The factor by which a rendition scales the upright source (above 1 only when it may enlarge).
    static func scale(for rendition: RenditionSpec, sourceWidth: Int, sourceHeight: Int) -> Double {
        let horizontal = rendition.width.map { Double($0) / Double(sourceWidth) }
        let vertical = rendition.height.map { Double($0) / Double(sourceHeight) }
        let scale =
            switch rendition.fit {
            case .inside, .contain: min(horizontal ?? .infinity, vertical ?? .infinity)
            case .cover, .fill: max(horizontal ?? 0, vertical ?? 0)
            }
        return rendition.upscale ? scale : min(scale, 1)
    }

    /// The image a rendition is reduced from, out of `bases` (the shared decode first, then ever smaller renditions):
    /// the smallest at least twice the rendition's width (the margin libvips' own shrink-on-load leaves for its
    /// lanczos3 reduce), so a 150 px rendition is reduced from the 320 px one rather than from a 1024 px decode.
    /// Animated renditions take the shared decode, the only base with every frame.
    static func base(for rendition: RenditionSpec, among bases: [VipsImage], source: SourceInfo) -> VipsImage {
        let decoded = bases[0]
        guard !rendition.animated else { return decoded }
        let neededWidth =
            2 * scale(for: rendition, sourceWidth: source.width, sourceHeight: source.height)
            * Double(source.width)
        return bases.last { Double($0.width) >= neededWidth } ?? decoded
    }

    /// Whether a rendition's pixels (in memory, with the shared decode's metadata) can be a base for smaller ones: the
    /// whole picture, one frame, not flattened, and smaller than every base so far (an enlarged rendition is no better
    /// base than the decode, and the decode itself may come back as the largest rendition).
    static func canServeAsBase(_ pixels: VipsImage, for rendition: RenditionSpec, among bases: [VipsImage]) -> Bool {
        guard let smallest = bases.last else { return false }
        return rendition.fit == .inside && !rendition.animated && pixels.hasAlpha == bases[0].hasAlpha
            && pixels.pageHeight == pixels.height && pixels.width < smallest.width
    }

    /// A decoded image resized and cropped to a rendition, keeping `frames` frames; the image itself when it fits
    /// exactly already. Fails with `.corrupt` and `failure`.
    static func resize(
        _ image: VipsImage, to rendition: RenditionSpec, frames: Int, failure: String
    ) throws(ImagingError) -> VipsImage {
        let base = try firstFrames(of: image, count: frames)
        if fitsExactly(rendition, base) {
            return base
        }
        var options = box(for: rendition)
        return try VipsImage.make(.corrupt, failure) { thumb_vips_thumbnail_image(base.pointer, $0, &options, $1) }
    }

    /// Whether an `inside` rendition of `image` is `image` itself: its box touches the image on one side and not less
    /// on the other.
    static func fitsExactly(_ rendition: RenditionSpec, _ image: VipsImage) -> Bool {
        guard rendition.fit == .inside else { return false }
        let (width, height) = (image.width, image.pageHeight)
        let widthFits = rendition.width.map { $0 >= width } ?? true
        let heightFits = rendition.height.map { $0 >= height } ?? true
        return widthFits && heightFits && (rendition.width == width || rendition.height == height)
    }

    /// The first `count` frames of an animation (the image itself when it has no more).
    private static func firstFrames(of image: VipsImage, count: Int) throws(ImagingError) -> VipsImage {
        let frameHeight = image.pageHeight
        guard frameHeight < image.height else { return image }
        let rows = min(image.height, frameHeight * max(1, count))
        return try VipsImage.make(.corrupt, "the first frames cannot be taken from the animation") {
            thumb_vips_extract_area(image.pointer, $0, 0, 0, Int32(image.width), Int32(rows), $1)
        }
    }
}
