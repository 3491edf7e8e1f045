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

        /// The JSON names.
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

    /// Two strategies measured in alternated passes over the same inputs, so a slow spell of the machine falls on
    /// both alike.
    package struct Comparison: Sendable {
        /// Each strategy's figures over all its passes, in the order asked.
        package var reports: [Report]
        /// For each round (one pass of each strategy), the first strategy's uploads per second over the second's.
        package var ratios: [Double]
        /// The median of the rounds' ratios (0 when there were none).
        package var medianRatio: Double

        /// The figures of two strategies and their rounds' ratios.
        init(reports: [Report], ratios: [Double]) {
            self.reports = reports
            self.ratios = ratios
            let sorted = ratios.sorted()
            let middle = sorted.count / 2
            medianRatio =
                sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
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
        let sourcePixels = try await warmUp(inputs, strategy: strategy, thumbnailer, pool) { await rendered(true) }
        let measured = try await measure(inputs, strategy: strategy, length: length, thumbnailer, pool) {
            await rendered(false)
        }
        return report(strategy, measured, sourcePixels: sourcePixels)
    }

    /// How many times a pass of `compare` renders each of `inputCount` inputs: once, or as often as it takes to give
    /// every thread of the pool a job.
    package func roundsPerPass(inputCount: Int) -> Int {
        max(1, (concurrency + inputCount - 1) / max(1, inputCount))
    }

    /// Warms both strategies up on every input, then alternates them, a pass over the inputs each (`roundsPerPass`),
    /// the first strategy first in even rounds and second in odd ones, for `length`: that many rounds, or until each
    /// strategy has run that many seconds (at least one round); `rendered` is called as each render finishes, with its
    /// strategy and `true` for the warm-up ones.
    package func compare(
        _ inputs: [Input], strategies: (Thumbnailer.DecodeStrategy, Thumbnailer.DecodeStrategy), length: Length,
        rendered: @Sendable (_ strategy: Thumbnailer.DecodeStrategy, _ warmingUp: Bool) async -> Void = { _, _ in }
    ) async throws(ImagingError) -> Comparison {
        let strategies = [strategies.0, strategies.1]
        var totals = strategies.map { _ in Measured(samples: [], seconds: 0) }
        var ratios: [Double] = []
        var sourcePixels: [Int] = []
        if !inputs.isEmpty {
            let thumbnailer = try Thumbnailer(settings: settings)
            let pool = ImagingPool(threadCount: concurrency)
            defer { pool.shutdown() }
            for strategy in strategies {
                sourcePixels = try await warmUp(inputs, strategy: strategy, thumbnailer, pool) {
                    await rendered(strategy, true)
                }
            }
            let pass = Length.rounds(roundsPerPass(inputCount: inputs.count))
            while true {
                let finished =
                    switch length {
                    case .rounds(let rounds): ratios.count >= rounds
                    case .seconds(let seconds): !ratios.isEmpty && totals.allSatisfy { $0.seconds >= seconds }
                    }
                if finished { break }
                // Alternating which goes first cancels what the second pass of a round inherits from the first.
                var round = totals.map { _ in Measured(samples: [], seconds: 0) }
                for index in ratios.count % 2 == 0 ? [0, 1] : [1, 0] {
                    let strategy = strategies[index]
                    round[index] = try await measure(inputs, strategy: strategy, length: pass, thumbnailer, pool) {
                        await rendered(strategy, false)
                    }
                }
                // Both passes rendered the same uploads, so the ratio of their speeds is that of their times, inverted.
                ratios.append(round[1].seconds / round[0].seconds)
                totals = zip(totals, round).map(+)
            }
        }
        return Comparison(
            reports: zip(strategies, totals).map { strategy, measured in
                report(strategy, measured, sourcePixels: sourcePixels)
            },
            ratios: ratios)
    }

    /// Renders every input once with `strategy`; returns each input's source pixels.
    private func warmUp(
        _ inputs: [Input], strategy: Thumbnailer.DecodeStrategy, _ thumbnailer: Thumbnailer, _ pool: ImagingPool,
        rendered: @Sendable () async -> Void
    ) async throws(ImagingError) -> [Int] {
        let renditions = renditions
        var sourcePixels: [Int] = []
        for input in inputs {
            let result = try await pool.run { () throws(ImagingError) in
                try thumbnailer.render(input.data, renditions: renditions, strategy: strategy)
            }.get()
            sourcePixels.append(result.source.width * result.source.height)
            await rendered()
        }
        return sourcePixels
    }

    /// The renders of one timed run, `concurrency` at once, cycling through the inputs from the first.
    private func measure(
        _ inputs: [Input], strategy: Thumbnailer.DecodeStrategy, length: Length, _ thumbnailer: Thumbnailer,
        _ pool: ImagingPool, rendered: @Sendable () async -> Void
    ) async throws(ImagingError) -> Measured {
        let renditions = renditions
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
                await rendered()
            }
            return outcomes
        }
        let samples = try outcomes.map { outcome throws(ImagingError) in try outcome.get() }
        return Measured(samples: samples, seconds: start.secondsUntilNow(clock))
    }

    /// The figures of `measured`, renders of `strategy`.
    private func report(_ strategy: Thumbnailer.DecodeStrategy, _ measured: Measured, sourcePixels: [Int]) -> Report {
        let (samples, seconds) = (measured.samples, measured.seconds)
        let count = Double(max(1, samples.count))
        let pixels = samples.reduce(0) { $0 + sourcePixels[$1.input] }
        return Report(
            strategy: strategy.rawValue, concurrency: concurrency, images: samples.count, seconds: seconds,
            imagesPerSecond: seconds > 0 ? Double(samples.count) / seconds : 0,
            megapixelsPerSecond: seconds > 0 ? Double(pixels) / 1_000_000 / seconds : 0,
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

    /// The renders of one or more timed runs and the seconds they took.
    private struct Measured: Sendable {
        var samples: [Sample]
        var seconds: Double

        /// Two runs' renders together, and their seconds added.
        static func + (left: Measured, right: Measured) -> Measured {
            Measured(samples: left.samples + right.samples, seconds: left.seconds + right.seconds)
        }
    }

    private struct Sample: Sendable {
        var input: Int
        var total: Double
        var timings: StageTimings
        var outputBytes: Int
    }
}
