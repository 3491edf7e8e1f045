import CVipsShim

/// Turns one encoded upload into its renditions: header gate, one decode, N resizes and encodes, placeholder.
///
/// All work is synchronous and CPU-bound; call it from `ImagingPool`, not from the cooperative thread pool.
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
        renditions.map { $0.animated ? $0.maxFrames : 1 }.max() ?? 1
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

    /// One attempt at `render(_:renditions:strategy:inspected:)`.
    private func renderOnce(
        _ data: [UInt8], renditions: [RenditionSpec], strategy: DecodeStrategy, inspected: SourceInfo?
    ) throws(ImagingError) -> RenderResult {
        let clock = ContinuousClock()
        var timings = StageTimings()
        var start = clock.now
        let source: SourceInfo
        if let inspected {
            source = inspected
        } else {
            source = try inspect(data, framesWanted: Self.framesWanted(by: renditions))
        }
        timings.inspect = start.secondsUntilNow(clock)

        return try data.withBytes { buffer throws(ImagingError) -> RenderResult in
            var outputs: [RenderedImage] = []
            var placeholder: Placeholder?
            switch strategy {
            case .decodeOnce:
                start = clock.now
                let decoded = try decodeIntermediate(buffer, source: source, renditions: renditions)
                timings.decode = start.secondsUntilNow(clock)
                outputs = try makeRenditions(renditions, from: decoded, source: source, timings: &timings)
                if settings.placeholder {
                    start = clock.now
                    placeholder = try makePlaceholder(from: .decoded(decoded), source: source)
                    timings.placeholder = start.secondsUntilNow(clock)
                }
            case .decodePerRendition:
                for rendition in renditions {
                    outputs.append(
                        try makeRendition(rendition, from: .encoded(buffer), source: source, timings: &timings).output)
                }
                if settings.placeholder {
                    start = clock.now
                    placeholder = try makePlaceholder(from: .encoded(buffer), source: source)
                    timings.placeholder = start.secondsUntilNow(clock)
                }
            }
            return RenderResult(source: source, renditions: outputs, placeholder: placeholder, timings: timings)
        }
    }
}

/// Where a resize reads its pixels from.
enum ResizeInput {
    /// An already decoded intermediate image.
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
