import CVipsShim

extension Thumbnailer {
    /// Decodes the upload once, upright, in sRGB and 8 bits, shrunk on load to the size the largest rendition needs.
    func decodeIntermediate(
        _ buffer: UnsafeRawBufferPointer, source: SourceInfo, renditions: [RenditionSpec]
    ) throws(ImagingError) -> VipsImage {
        let scale = min(
            1, renditions.map { Self.scale(for: $0, sourceWidth: source.width, sourceHeight: source.height) }.max() ?? 1
        )
        let landscape = source.width >= source.height
        // Rounded up so the shared image is never smaller than a rendition needs; the tolerance keeps 1024.0000001 at 1024.
        let side = { (length: Int) in Int32(max(1, (Double(length) * scale - 1e-6).rounded(.up))) }
        var options = ThumbVipsThumbnailOptions(
            width: landscape ? side(source.width) : Int32(VIPS_MAX_COORD),
            height: landscape ? Int32(VIPS_MAX_COORD) : side(source.height),
            size: Int32(VIPS_SIZE_DOWN.rawValue),
            crop: Int32(VIPS_INTERESTING_NONE.rawValue),
            pages: Int32(min(Self.framesWanted(by: renditions), source.frames)),
            convert_profile_to_srgb: source.hasProfile ? 1 : 0,
            auto_rotate: 1,
            fail_on_error: 1
        )
        let decoded = try VipsImage.make(.corrupt, "the \(source.format.rawValue) image cannot be decoded") {
            thumb_vips_thumbnail_buffer(buffer.baseAddress, buffer.count, $0, &options, $1)
        }
        let eightBit = try decoded.convertedTo8Bit()
        return try eightBit.materialized(.corrupt, "the \(source.format.rawValue) image cannot be decoded")
    }

    /// Makes every rendition from the shared decode, largest first. Each is resized from the smallest image already
    /// made that is at least twice its size (the margin libvips' own shrink-on-load leaves for its lanczos3 reduce),
    /// so a 150 px rendition is reduced from the 320 px one rather than from the 1024 px intermediate.
    func makeRenditions(
        _ renditions: [RenditionSpec], from decoded: VipsImage, source: SourceInfo, timings: inout StageTimings
    ) throws(ImagingError) -> [RenderedImage] {
        let scales = renditions.map { Self.scale(for: $0, sourceWidth: source.width, sourceHeight: source.height) }
        // Whole-picture images in memory, largest first; the intermediate is always last resort.
        var bases = [decoded]
        var outputs: [Int: RenderedImage] = [:]
        for index in renditions.indices.sorted(by: { scales[$0] > scales[$1] }) {
            let rendition = renditions[index]
            let neededWidth = 2 * scales[index] * Double(source.width)
            let base = rendition.animated ? decoded : bases.last { Double($0.width) >= neededWidth } ?? decoded
            let made = try makeRendition(rendition, from: .decoded(base), source: source, timings: &timings)
            outputs[index] = made.output
            // Only a smaller image is worth keeping: an enlarged rendition (upscale) is no better base than the
            // intermediate, and the intermediate itself may come back as the largest rendition.
            if Self.canServeAsBase(made.pixels, for: rendition, decoded: decoded), let smallest = bases.last,
                made.pixels.width < smallest.width
            {
                bases.append(made.pixels)
            }
        }
        return renditions.indices.compactMap { outputs[$0] }
    }

    /// Whether a rendition's pixels (in memory, with the intermediate's metadata) can stand in for the intermediate:
    /// the whole picture, one frame, not flattened.
    private static func canServeAsBase(_ pixels: VipsImage, for rendition: RenditionSpec, decoded: VipsImage) -> Bool {
        rendition.fit == .inside && !rendition.animated && pixels.hasAlpha == decoded.hasAlpha
            && pixels.pageHeight == pixels.height
    }

    /// Resizes (and crops, pads, flattens) one rendition, then encodes it; returns the encoded rendition and the
    /// in-memory pixels it was encoded from.
    func makeRendition(
        _ rendition: RenditionSpec, from input: ResizeInput, source: SourceInfo, timings: inout StageTimings
    ) throws(ImagingError) -> (output: RenderedImage, pixels: VipsImage) {
        let clock = ContinuousClock()
        let start = clock.now
        let frames = rendition.animated ? min(rendition.maxFrames, source.frames) : 1
        var options = Self.thumbnailOptions(for: rendition, frames: frames)
        options.convert_profile_to_srgb = source.hasProfile ? 1 : 0
        let failure = "rendition '\(rendition.name)' cannot be made from this \(source.format.rawValue) image"
        var image: VipsImage
        switch input {
        case .decoded(let decoded):
            let base = try decoded.firstFrames(frames)
            if Self.fitsExactly(rendition, base) {
                image = base
            } else {
                image = try VipsImage.make(.corrupt, failure) {
                    thumb_vips_thumbnail_image(base.pointer, $0, &options, $1)
                }
            }
        case .encoded(let buffer):
            image = try VipsImage.make(.corrupt, failure) {
                thumb_vips_thumbnail_buffer(buffer.baseAddress, buffer.count, $0, &options, $1)
            }.convertedTo8Bit()
        }
        let background = rendition.background ?? settings.background
        if rendition.fit == .contain, let width = rendition.width, let height = rendition.height,
            image.width != width || image.height != height
        {
            let base = image
            image = try VipsImage.make(.corrupt, failure) {
                thumb_vips_embed_centre(
                    base.pointer, $0, Int32(width), Int32(height), Double(background.red),
                    Double(background.green), Double(background.blue), 255, $1)
            }
        }
        let format = try outputFormat(for: rendition, image: image)
        if image.hasAlpha && format == .jpeg {
            let base = image
            image = try VipsImage.make(.corrupt, failure) {
                thumb_vips_flatten(
                    base.pointer, $0, Double(background.red), Double(background.green), Double(background.blue), $1)
            }
        }
        // Materialising separates the resize time from the encode time (an image already in memory, such as the shared
        // intermediate, comes back as it is).
        image = try image.materialized(.corrupt, failure)
        timings.resize += start.secondsUntilNow(clock)

        let encodeStart = clock.now
        let data = try encode(image, as: format, rendition: rendition)
        timings.encode += encodeStart.secondsUntilNow(clock)
        let pageHeight = image.pageHeight
        let output = RenderedImage(
            name: rendition.name, format: format, width: image.width, height: pageHeight,
            frames: max(1, image.height / max(1, pageHeight)), data: data)
        return (output, image)
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

    /// The libvips thumbnail box for a rendition.
    static func thumbnailOptions(for rendition: RenditionSpec, frames: Int) -> ThumbVipsThumbnailOptions {
        let size: VipsSize =
            rendition.fit == .fill ? VIPS_SIZE_FORCE : rendition.upscale ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN
        let crop: VipsInteresting =
            switch (rendition.fit, rendition.gravity) {
            case (.cover, .centre): VIPS_INTERESTING_CENTRE
            case (.cover, .attention): VIPS_INTERESTING_ATTENTION
            case (.cover, .entropy): VIPS_INTERESTING_ENTROPY
            default: VIPS_INTERESTING_NONE
            }
        return ThumbVipsThumbnailOptions(
            width: Int32(rendition.width ?? Int(VIPS_MAX_COORD)),
            height: Int32(rendition.height ?? Int(VIPS_MAX_COORD)),
            size: Int32(size.rawValue),
            crop: Int32(crop.rawValue),
            pages: Int32(frames),
            convert_profile_to_srgb: 0,
            auto_rotate: 1,
            fail_on_error: 1
        )
    }

    /// The concrete format of a rendition: `auto` becomes PNG when the image has visible transparency, else JPEG.
    private func outputFormat(for rendition: RenditionSpec, image: VipsImage) throws(ImagingError) -> ImageFormat {
        if let format = rendition.format.fixedFormat {
            return format
        }
        return try image.hasTransparency() ? .png : .jpeg
    }
}

extension VipsImage {
    /// The same picture as 8-bit sRGB (or 8-bit grey for grey inputs), whatever its depth and colour space.
    func convertedTo8Bit() throws(ImagingError) -> VipsImage {
        try VipsImage.make(.corrupt, "the image's colours cannot be converted to 8-bit sRGB") {
            thumb_vips_to_8bit(pointer, $0, $1)
        }
    }

    /// The first `count` frames of an animation (the image itself when it has no more).
    func firstFrames(_ count: Int) throws(ImagingError) -> VipsImage {
        let frameHeight = pageHeight
        guard frameHeight < height else { return self }
        let rows = min(height, frameHeight * max(1, count))
        return try VipsImage.make(.corrupt, "the first frames cannot be taken from the animation") {
            thumb_vips_extract_area(pointer, $0, 0, 0, Int32(width), Int32(rows), $1)
        }
    }

    /// Whether any pixel is less than fully opaque.
    func hasTransparency() throws(ImagingError) -> Bool {
        guard hasAlpha else { return false }
        var minimum = 0.0
        try LibVips.call(.corrupt, "the alpha channel cannot be read") {
            thumb_vips_alpha_minimum(pointer, &minimum, $0)
        }
        return minimum < 255
    }
}
