import CVipsShim

/// Turns one encoded upload into its renditions, as an ordered list of steps, one file each in Steps/:
///
/// 1. ``InspectStep``: the header gate (size, magic bytes, loader, pixels × frames, frames).
/// 2. ``DecodeStep``: one decode, shrunk on load to what the largest rendition needs.
/// 3. ``OrientStep``: upright by the EXIF orientation.
/// 4. ``ColourStep``: an ICC profile or CMYK to sRGB, any depth to 8 bits.
/// 5. ``ResizeStep``: each rendition's resize and crop.
/// 6. ``PadStep``: `contain` renditions padded to their box.
/// 7. ``FlattenStep``: transparency flattened for JPEG.
/// 8. ``EncodeStep``: each rendition's format, metadata and quality.
/// 9. ``PlaceholderStep``: the ThumbHash and dominant colour.
///
/// libvips runs steps 2–4 as one `vips_thumbnail` pass (and step 5 too when a rendition is decoded on its own); each
/// step sets its own options of that pass. All work is synchronous and CPU-bound; call it from `ImagingPool`, not from
/// the cooperative thread pool.
package struct Thumbnailer: Sendable {
    /// How renditions get their pixels.
    package enum DecodeStrategy: String, Sendable, CaseIterable {
        /// Decode once (shrink-on-load sized for the largest rendition), derive every rendition from that or from a
        /// larger rendition already made.
        case decodeOnce = "once"
        /// Decode the upload again for each rendition (the naive way; kept as the benchmark baseline).
        case decodePerRendition = "per-rendition"
    }

    /// Limits, qualities, background and placeholder switch.
    package let settings: ImagingSettings

    /// Starts libvips if needed and prepares a thumbnailer.
    package init(settings: ImagingSettings = ImagingSettings()) throws(ImagingError) {
        try LibVips.start()
        LibVips.allowUntrustedLoaders(for: settings.limits.allowedFormats.intersection(ImageFormat.untrusted))
        self.settings = settings
    }

    /// The libvips version in use.
    package static var libvipsVersion: String { LibVips.version }

    /// How many frames the renditions decode, for `inspect(_:framesWanted:)`: one unless a rendition is animated.
    package static func framesWanted(by renditions: [RenditionSpec]) -> Int {
        renditions.map(\.framesWanted).max() ?? 1
    }

    /// Step 1 alone: checks an upload against the limits using only its magic bytes and header; decodes no pixels.
    ///
    /// `framesWanted` is how many frames the renditions will decode (1 unless one is animated); the pixel
    /// limit counts width × height × those frames, the frame limit counts every frame in the file.
    package func inspect(_ data: [UInt8], framesWanted: Int = 1) throws(ImagingError) -> SourceInfo {
        try LibVips.isolatingFailures { () throws(ImagingError) -> SourceInfo in
            try InspectStep(limits: settings.limits).run(data, framesWanted: framesWanted)
        }
    }

    /// The memory budget's estimate for rendering `source` into `renditions`: the decode's
    /// (``SourceInfo/estimatedDecodeBytes(framesWanted:)``) and, for a JPEG that TurboJPEG decodes, its whole scaled
    /// image at three bytes a pixel: its YCbCr planes take that at 4:4:4, half at 4:2:0 (libvips' loader makes it a
    /// few rows at a time).
    package func estimatedMemory(of source: SourceInfo, renditions: [RenditionSpec]) -> Int {
        let decode = source.estimatedDecodeBytes(framesWanted: Self.framesWanted(by: renditions))
        guard TurboJPEGDecode.applies(to: source, with: settings.jpegDecoder) else { return decode }
        let shrink = Int(
            TurboJPEGDecode.shrink(for: DecodeStep.sharedBox(for: renditions, source: source), source: source))
        return decode + 3 * (source.width / shrink) * (source.height / shrink)
    }

    /// Makes every rendition of one upload; `inspected` skips the header check when the caller already made it
    /// with `inspect(data, framesWanted: framesWanted(by: renditions))`.
    ///
    /// The renditions are trusted: their `problems()` were checked once, when the configuration was read.
    package func render(
        _ data: [UInt8], renditions: [RenditionSpec], strategy: DecodeStrategy = .decodeOnce,
        inspected: SourceInfo? = nil
    ) throws(ImagingError) -> RenderResult {
        guard !renditions.isEmpty else {
            throw ImagingError(.invalidRendition, "no renditions were asked for")
        }
        return try LibVips.isolatingFailures { () throws(ImagingError) -> RenderResult in
            try renderOnce(data, renditions: renditions, strategy: strategy, inspected: inspected)
        }
    }

    /// One attempt at `render(_:renditions:strategy:inspected:)`: the steps, in order.
    private func renderOnce(
        _ data: [UInt8], renditions: [RenditionSpec], strategy: DecodeStrategy, inspected: SourceInfo?
    ) throws(ImagingError) -> RenderResult {
        let clock = ContinuousClock()
        var timings = StageTimings()
        var start = clock.now
        // 1. Inspect.
        let source: SourceInfo
        if let inspected {
            source = inspected
        } else {
            source = try InspectStep(limits: settings.limits).run(data, framesWanted: Self.framesWanted(by: renditions))
        }
        timings.inspect = start.secondsUntilNow(clock)

        return try data.withBytes { buffer throws(ImagingError) -> RenderResult in
            var outputs: [RenderedImage] = []
            let placeholderInput: ResizeInput
            switch strategy {
            case .decodeOnce:
                // 2–4. One decode, upright and in sRGB, shrunk on load for the largest rendition, in memory.
                start = clock.now
                let failure = DecodeStep.failure(source)
                let decoded = try decode(
                    buffer, source: source, box: DecodeStep.sharedBox(for: renditions, source: source),
                    frames: DecodeStep.sharedFrames(for: renditions, source: source), failure: failure
                ).materialized(.corrupt, failure)
                timings.decode = start.secondsUntilNow(clock)
                // 5–8 for each rendition, from the shared decode or a larger rendition already made.
                let made = try makeRenditions(renditions, from: decoded, source: source, timings: &timings)
                outputs = made.outputs
                placeholderInput = .decoded(PlaceholderStep.source(among: made.bases))
            case .decodePerRendition:
                // 2–8 for each rendition, each decoding the upload again.
                for rendition in renditions {
                    outputs.append(
                        try makeRendition(rendition, from: .encoded(buffer), source: source, timings: &timings).output)
                }
                placeholderInput = .encoded(buffer)
            }
            // 9. Placeholder.
            var placeholder: Placeholder?
            if settings.placeholder {
                start = clock.now
                placeholder = try makePlaceholder(from: placeholderInput, source: source)
                timings.placeholder = start.secondsUntilNow(clock)
            }
            return RenderResult(source: source, renditions: outputs, placeholder: placeholder, timings: timings)
        }
    }

    /// Steps 5–8 for every rendition from the shared decode, largest first, each reduced from the smallest image already
    /// made that is big enough (``ResizeStep/base(for:among:source:)``); the outputs in the order asked for, and the
    /// images that can serve as bases, the shared decode first and smaller ones after.
    private func makeRenditions(
        _ renditions: [RenditionSpec], from decoded: VipsImage, source: SourceInfo, timings: inout StageTimings
    ) throws(ImagingError) -> (outputs: [RenderedImage], bases: [VipsImage]) {
        let scales = renditions.map {
            ResizeStep.scale(for: $0, sourceWidth: source.width, sourceHeight: source.height)
        }
        var bases = [decoded]
        var outputs: [Int: RenderedImage] = [:]
        for index in renditions.indices.sorted(by: { scales[$0] > scales[$1] }) {
            let rendition = renditions[index]
            let base = ResizeStep.base(for: rendition, among: bases, source: source)
            let made = try makeRendition(rendition, from: .decoded(base), source: source, timings: &timings)
            outputs[index] = made.output
            if ResizeStep.canServeAsBase(made.pixels, for: rendition, among: bases) {
                bases.append(made.pixels)
            }
        }
        return (renditions.indices.compactMap { outputs[$0] }, bases)
    }

    /// Steps 5–8 for one rendition: resize and crop, pad, flatten, encode. Returns the encoded rendition and the
    /// in-memory pixels it was encoded from.
    private func makeRendition(
        _ rendition: RenditionSpec, from input: ResizeInput, source: SourceInfo, timings: inout StageTimings
    ) throws(ImagingError) -> (output: RenderedImage, pixels: VipsImage) {
        let clock = ContinuousClock()
        let start = clock.now
        let failure = "rendition '\(rendition.name)' cannot be made from this \(source.format.rawValue) image"
        let frames = ResizeStep.frames(of: rendition, source: source)
        var image: VipsImage
        switch input {
        case .decoded(let decoded):
            image = try ResizeStep.resize(decoded, to: rendition, frames: frames, failure: failure)
        case .encoded(let buffer):
            // 2–5 in one pass: the rendition's own decode, shrunk on load to its box.
            image = try decode(
                buffer, source: source, box: ResizeStep.box(for: rendition), frames: frames, failure: failure)
        }
        let background = rendition.background ?? settings.background
        image = try PadStep.pad(image, to: rendition, background: background, failure: failure)
        if rendition.format.fixedFormat == nil {
            // `auto` reads every pixel before the encoder does, and a rendition's own decode is one sequential pass
            // that cannot be read twice (libvips: "out of order read"), so the pixels go to memory first; from the
            // shared decode that also saves resizing twice.
            image = try image.materialized(.corrupt, failure)
        }
        let format = try EncodeStep.format(for: rendition, image: image)
        image = try FlattenStep.flatten(image, for: format, background: background, failure: failure)
        // Materialising separates the resize time from the encode time (an image already in memory, such as the shared
        // decode, comes back as it is).
        image = try image.materialized(.corrupt, failure)
        timings.resize += start.secondsUntilNow(clock)

        let encodeStart = clock.now
        let data = try EncodeStep(quality: settings.quality).encode(image, as: format, rendition: rendition)
        timings.encode += encodeStart.secondsUntilNow(clock)
        let pageHeight = image.pageHeight
        let output = RenderedImage(
            name: rendition.name, format: format, width: image.width, height: pageHeight,
            frames: max(1, image.height / max(1, pageHeight)), data: data)
        return (output, image)
    }

    /// Step 9 from the shared decode, or, decoding per rendition, from a small decode of its own (steps 2–4).
    private func makePlaceholder(from input: ResizeInput, source: SourceInfo) throws(ImagingError) -> Placeholder {
        let image: VipsImage
        switch input {
        case .decoded(let decoded):
            image = decoded
        case .encoded(let buffer):
            image = try decode(
                buffer, source: source, box: PlaceholderStep.box, frames: 1, failure: PlaceholderStep.failure
            ).materialized(.corrupt, PlaceholderStep.failure)
        }
        return try PlaceholderStep(background: settings.background).run(image)
    }

    /// Steps 2–4 (and 5, when `box` is a rendition's) as libvips runs them, in one `vips_thumbnail` pass: decoded and
    /// shrunk on load to `box`, turned upright, its colours converted; 8-bit sRGB (or grey) comes out, not yet in memory.
    func decode(
        _ buffer: UnsafeRawBufferPointer, source: SourceInfo, box: ThumbVipsThumbnailOptions, frames: Int,
        failure: String
    ) throws(ImagingError) -> VipsImage {
        var options = box
        DecodeStep.configure(&options, frames: frames)
        OrientStep.configure(&options)
        ColourStep.configure(&options, source: source)
        return try ColourStep.convertTo8Bit(
            DecodeStep.decode(
                buffer, options: options, source: source, jpegDecoder: settings.jpegDecoder, failure: failure))
    }
}

/// Where a rendition or the placeholder reads its pixels from.
enum ResizeInput {
    /// An already decoded image in memory.
    case decoded(VipsImage)
    /// The encoded upload, decoded again with shrink-on-load.
    case encoded(UnsafeRawBufferPointer)
}

extension ContinuousClock.Instant {
    /// Seconds from this instant until now.
    package func secondsUntilNow(_ clock: ContinuousClock) -> Double {
        let elapsed = duration(to: clock.now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
