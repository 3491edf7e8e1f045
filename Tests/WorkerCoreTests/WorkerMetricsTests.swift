import Foundation
import Logging
import Metrics
import Prometheus
import TestSupport
import Testing
import WorkerCore

@Suite("Worker metrics recorded while a message is handled")
struct WorkerMetricsTests {
    /// One S3 notification for `uploads/photo.jpg`, made at 10:00:00.
    private static let event = """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-24T10:00:00.000Z",
        "eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"uploads"},"object":{"key":"photo.jpg","size":1}}}]}
        """

    /// The landscape test image.
    private static func image() throws -> [UInt8] {
        try Testdata.bytes("landscape.jpg")
    }

    /// A handler over in-memory fakes holding `uploads/photo.jpg`, recording into `metrics`, whose clock reads 90 s
    /// after the event.
    private static func handler(
        metrics: WorkerMetrics, queue: InMemoryQueue = InMemoryQueue(),
        notifier: RecordingNotifier = RecordingNotifier()
    ) throws -> MessageHandler {
        let store = InMemoryObjectStore()
        store.add("uploads", "photo.jpg", try image())
        var configuration = WorkerConfiguration()
        configuration.concurrency = 1
        let eventTime = try #require(ISO8601DateFormatter().date(from: "2026-11-24T10:00:00Z"))
        let processor = UploadProcessor(
            pipeline: try ThumbnailPipeline(settings: configuration.pipelineSettings),
            destination: OutputLocation(store: store, bucket: "thumbs"), sourceBuckets: ["uploads"],
            workerID: "test-worker",
            now: { eventTime.addingTimeInterval(90) }, metrics: metrics)
        var settings = ConsumerSettings()
        settings.wait = .milliseconds(20)
        settings.stopsWhenIdle = true
        return MessageHandler(
            processor: processor, sourceStore: store, notifier: notifier, queue: queue, settings: settings,
            metrics: metrics)
    }

    /// The value of the sample that starts with `series` (name and labels) in Prometheus' text format.
    private static func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap {
            Double($0.dropFirst(series.count + 1))
        }
    }

    @Test(
        "a ready upload counts as ready and records download, upload, render stages, bytes, queue lag and in-flight",
        .timeLimit(.minutes(1)))
    func readyUpload() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        // The notifier holds the event until the test has seen the message in flight.
        let notifier = RecordingNotifier(holding: "photo.jpg")
        let handler = try Self.handler(metrics: metrics, notifier: notifier)
        let message = QueueMessage(id: "m1", body: Self.event, receiptHandle: "h1", receiveCount: 1, sentAt: nil)
        let handling = Task { await handler.handle(message, logger: .quiet) }
        await notifier.waitUntilHolding()
        #expect(Self.sample("thumbworker_in_flight", in: registry.emitToString()) == 1)
        notifier.release()
        #expect(await handling.value == .delete)

        let text = registry.emitToString()
        #expect(text.contains(#"thumbworker_jobs_total{result="ready"} 1"#))
        #expect(!text.contains(#"thumbworker_jobs_total{result="failed"} 1"#))
        for stage in ["download", "decode", "resize", "encode", "upload", "notify"] {
            #expect(text.contains(#"thumbworker_stage_seconds_count{stage="\#(stage)"} 1"#), "stage \(stage)")
        }
        #expect(text.contains(#"thumbworker_bytes_total{direction="in"} \#(try Self.image().count)"#))
        #expect(Self.sample(#"thumbworker_bytes_total{direction="out"}"#, in: text) ?? 0 > 0)
        #expect(text.contains("thumbworker_queue_lag_seconds_sum 90"))
        #expect(Self.sample("thumbworker_in_flight", in: text) == 0)
    }

    @Test("the consumer times the receive that brought the message, not the empty long poll that ends the run")
    func receiveStage() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let queue = InMemoryQueue()
        _ = queue.add(body: Self.event)
        let handler = try Self.handler(metrics: metrics, queue: queue)
        try await QueueConsumer(queue: queue, handler: handler, settings: handler.settings, logger: .quiet).run()
        #expect(queue.deletedIDs.count == 1)
        #expect(registry.emitToString().contains(#"thumbworker_stage_seconds_count{stage="receive"} 1"#))
    }
}

@Suite("The metrics section of the configuration")
struct MetricsSettingsTests {
    @Test("metrics.port and metrics.host are read from the file and the environment, and bad ports are reported")
    func parse() throws {
        let defaults = WorkerConfiguration().observability
        #expect(defaults.metricsPort == 9464 && defaults.metricsHost == "127.0.0.1")
        let file = try WorkerConfiguration.parse(yaml: "metrics: {port: 0, host: 0.0.0.0}", source: "test.conf")
        #expect(file.observability.metricsPort == 0 && file.observability.metricsHost == "0.0.0.0")
        let environment = try WorkerConfiguration.parse(
            yaml: "", source: "test", environment: ["THUMBWORKER_METRICS_PORT": "9100"])
        #expect(environment.observability.metricsPort == 9100)
        let reread = try WorkerConfiguration.parse(yaml: file.effectiveYAML, source: "effective")
        #expect(reread.observability == file.observability)
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration.parse(yaml: "metrics: {port: 70000}", source: "test.conf")
        }
    }
}
