import Foundation

/// Measures how many uploads per second the imaging pipeline turns into renditions, with inputs held in memory.
package struct ThroughputBenchmark: Sendable {
    /// When a run stops.
    package enum Length: Sendable {
        /// Every input this many times.
        case rounds(Int)
        /// Until this many seconds have passed (jobs already started finish).
        case seconds(Double)
    }

    /// One encoded input.
    package struct Input: Sendable {
        /// Where it came from.
        package var name: String
        /// Its bytes.
        package var data: [UInt8]

        /// An input named for reports.
        package init(name: String, data: [UInt8]) {
            self.name = name
            self.data = data
        }
    }

    /// The figures of one run.
    package struct Report: Sendable, Codable {
        /// The decode strategy measured.
        package var strategy: String
        /// Jobs run at once.
        package var concurrency: Int
        /// Uploads rendered.
        package var images: Int
        /// Wall-clock seconds of the run.
        package var seconds: Double
        /// Uploads per second.
        package var imagesPerSecond: Double
        /// Source megapixels per second.
        package var megapixelsPerSecond: Double
        /// Mean bytes of all renditions of one upload.
        package var outputBytesPerImage: Double
        /// Latency percentiles per stage, in milliseconds.
        package var stages: [String: Percentiles]

        enum CodingKeys: String, CodingKey {
            case strategy, concurrency, images, seconds, stages
            case imagesPerSecond = "images_per_second"
            case megapixelsPerSecond = "megapixels_per_second"
            case outputBytesPerImage = "output_bytes_per_image"
        }
    }

    /// The 50th, 95th and 99th percentiles of a stage, in milliseconds.
    package struct Percentiles: Sendable, Codable {
        /// Median.
        package var p50: Double
        /// 95th percentile.
        package var p95: Double
        /// 99th percentile.
        package var p99: Double

        /// Percentiles of a list of seconds, reported in milliseconds.
        init(seconds values: [Double]) {
            let sorted = values.sorted()
            func at(_ fraction: Double) -> Double {
                guard !sorted.isEmpty else { return 0 }
                let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
                return sorted[max(0, index)] * 1000
            }
            p50 = at(0.50)
            p95 = at(0.95)
            p99 = at(0.99)
        }
    }

    /// The renditions each upload is turned into.
    package var renditions: [RenditionSpec]
    /// Limits, qualities and placeholder switch.
    package var settings: ImagingSettings
    /// Jobs run at once (and threads in the pool).
    package var concurrency: Int

    /// A benchmark of the given renditions at a concurrency.
    package init(renditions: [RenditionSpec], settings: ImagingSettings, concurrency: Int) {
        self.renditions = renditions
        self.settings = settings
        self.concurrency = max(1, concurrency)
    }

    /// Renders every input once (warming caches and checking that each input works), then measures a run;
    /// `rendered` is called as each render finishes, with `true` for the warm-up ones.
    package func run(
        _ inputs: [Input], strategy: Thumbnailer.DecodeStrategy, length: Length,
        rendered: @Sendable (_ warmingUp: Bool) async -> Void = { _ in }
    ) async throws(ImagingError) -> Report {
        let thumbnailer = try Thumbnailer(settings: settings)
        let pool = ImagingPool(threadCount: concurrency)
        defer { pool.shutdown() }
        let renditions = renditions
        var sourcePixels: [Int] = []
        for input in inputs {
            let result = try await pool.run { () throws(ImagingError) in
                try thumbnailer.render(input.data, renditions: renditions, strategy: strategy)
            }.get()
            sourcePixels.append(result.source.width * result.source.height)
            await rendered(true)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await withTaskGroup(
            of: Result<Sample, ImagingError>.self, returning: [Result<Sample, ImagingError>].self
        ) { group in
            var started = 0
            var outcomes: [Result<Sample, ImagingError>] = []
            while true {
                let wantsMore =
                    switch length {
                    case .rounds(let rounds): started < rounds * inputs.count
                    case .seconds(let seconds): start.secondsUntilNow(clock) < seconds
                    }
                if wantsMore && started - outcomes.count < concurrency {
                    let index = started % inputs.count
                    let data = inputs[index].data
                    group.addTask {
                        await pool.run { () throws(ImagingError) -> Sample in
                            let jobStart = clock.now
                            let result = try thumbnailer.render(data, renditions: renditions, strategy: strategy)
                            return Sample(
                                input: index, total: jobStart.secondsUntilNow(clock), timings: result.timings,
                                outputBytes: result.renditions.reduce(0) { $0 + $1.data.count })
                        }
                    }
                    started += 1
                    continue
                }
                guard let outcome = await group.next() else { break }
                outcomes.append(outcome)
                await rendered(false)
            }
            return outcomes
        }
        let samples = try outcomes.map { outcome throws(ImagingError) in try outcome.get() }
        let seconds = start.secondsUntilNow(clock)
        let count = Double(max(1, samples.count))
        let pixels = samples.reduce(0) { $0 + sourcePixels[$1.input] }
        return Report(
            strategy: strategy.rawValue, concurrency: concurrency, images: samples.count, seconds: seconds,
            imagesPerSecond: Double(samples.count) / seconds,
            megapixelsPerSecond: Double(pixels) / 1_000_000 / seconds,
            outputBytesPerImage: Double(samples.reduce(0) { $0 + $1.outputBytes }) / count,
            stages: [
                "total": Percentiles(seconds: samples.map(\.total)),
                "inspect": Percentiles(seconds: samples.map(\.timings.inspect)),
                "decode": Percentiles(seconds: samples.map(\.timings.decode)),
                "resize": Percentiles(seconds: samples.map(\.timings.resize)),
                "encode": Percentiles(seconds: samples.map(\.timings.encode)),
                "placeholder": Percentiles(seconds: samples.map(\.timings.placeholder)),
            ]
        )
    }

    private struct Sample: Sendable {
        var input: Int
        var total: Double
        var timings: StageTimings
        var outputBytes: Int
    }
}
