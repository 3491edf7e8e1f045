package import Foundation
package import Imaging
package import Metrics

/// The worker's metrics, made from one `MetricsFactory` so a test can read them from a registry of its own.
///
/// Names follow Prometheus conventions: `thumbworker_jobs_total{result}`, `thumbworker_stage_seconds{stage}`,
/// `thumbworker_bytes_total{direction}`, `thumbworker_queue_lag_seconds`, `thumbworker_in_flight` and
/// `thumbworker_resident_memory_bytes`.
package struct WorkerMetrics: Sendable {
    /// A timed step of one job.
    package enum Stage: String, Sendable, CaseIterable {
        /// A queue receive that brought messages (long polls that come back empty are not counted).
        case receive
        /// GET of the original.
        case download
        /// Reading the header and checking limits.
        case inspect
        /// Decoding into the shared intermediate image.
        case decode
        /// Resizing, cropping and flattening the renditions.
        case resize
        /// Encoding the renditions.
        case encode
        /// Computing the placeholder.
        case placeholder
        /// PUT of the thumbnails.
        case upload
        /// Sending the ready or failed event.
        case notify
    }

    /// Which way bytes moved.
    package enum Direction: String, Sendable, CaseIterable {
        /// Originals downloaded.
        case incoming = "in"
        /// Thumbnails uploaded.
        case outgoing = "out"
    }

    /// Metrics that record nothing: the default for callers and tests that do not look at them.
    package static let disabled = WorkerMetrics(factory: NOOPMetricsHandler.instance)

    private let jobs: [String: CoreMetrics.Counter]
    private let stages: [Stage: CoreMetrics.Timer]
    private let bytes: [Direction: CoreMetrics.Counter]
    private let queueLag: Recorder
    private let inFlight: Meter
    private let residentMemory: CoreMetrics.Gauge

    /// Creates the metrics through `factory`.
    package init(factory: any MetricsFactory) {
        jobs = Dictionary(
            uniqueKeysWithValues: ["ready", "failed", "skipped", "retry", "deleted"].map { result in
                (
                    result,
                    CoreMetrics.Counter(
                        label: "thumbworker_jobs_total", dimensions: [("result", result)], factory: factory)
                )
            })
        stages = Dictionary(
            uniqueKeysWithValues: Stage.allCases.map { stage in
                (
                    stage,
                    CoreMetrics.Timer(
                        label: "thumbworker_stage_seconds", dimensions: [("stage", stage.rawValue)], factory: factory)
                )
            })
        bytes = Dictionary(
            uniqueKeysWithValues: Direction.allCases.map { direction in
                (
                    direction,
                    CoreMetrics.Counter(
                        label: "thumbworker_bytes_total", dimensions: [("direction", direction.rawValue)],
                        factory: factory)
                )
            })
        queueLag = Recorder(label: "thumbworker_queue_lag_seconds", aggregate: true, factory: factory)
        inFlight = Meter(label: "thumbworker_in_flight", factory: factory)
        residentMemory = CoreMetrics.Gauge(label: "thumbworker_resident_memory_bytes", factory: factory)
    }

    /// Counts one job by its outcome.
    package func recordJob(_ outcome: JobOutcome) {
        let result =
            switch outcome {
            case .ready: "ready"
            case .failed: "failed"
            case .skipped: "skipped"
            case .retry: "retry"
            case .deleted: "deleted"
            }
        jobs[result]?.increment()
    }

    /// Records how long a stage took.
    package func record(_ stage: Stage, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        stages[stage]?.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Records the imaging stages of one render.
    package func record(_ timings: StageTimings) {
        let measured: [(Stage, Double)] = [
            (.inspect, timings.inspect), (.decode, timings.decode), (.resize, timings.resize),
            (.encode, timings.encode), (.placeholder, timings.placeholder),
        ]
        for (stage, seconds) in measured {
            stages[stage]?.recordSeconds(seconds)
        }
    }

    /// Runs `body` and records how long it took as `stage`, whether it succeeded or not.
    package func measure<Result, Failure: Error>(
        _ stage: Stage, _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        defer { record(stage, clock.now - start) }
        return try await body()
    }

    /// Counts bytes moved in one direction.
    package func recordBytes(_ count: Int, _ direction: Direction) {
        bytes[direction]?.increment(by: count)
    }

    /// Records how long an upload waited between S3 finishing it and a worker picking it up.
    package func recordQueueLag(eventTime: Date, now: Date) {
        queueLag.record(max(0, now.timeIntervalSince(eventTime)))
    }

    /// Marks a message as being handled.
    package func messageStarted() {
        inFlight.increment()
    }

    /// Marks a message as no longer being handled.
    package func messageFinished() {
        inFlight.decrement()
    }

    /// Sets the resident-memory gauge from `/proc/self/statm` (Linux; elsewhere it is left alone).
    package func sampleResidentMemory() {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return }
        residentMemory.record(pages * Int(sysconf(Int32(_SC_PAGESIZE))))
    }
}
