import AsyncHTTPClient
import Foundation
import Imaging
import LocalBackend
import Logging
import WorkerAWS
import WorkerCore

/// Everything `run` needs, built from the configuration: the queue, the stores, the notifiers and the consumer.
///
/// With `queue.url` set, the queue is SQS and the buckets are S3; without it, the embedded local backends are used
/// (a SQLite queue and folders as buckets), so the whole flow runs on one machine.
struct WorkerRuntime: Sendable {
    /// The consumer service to run.
    let consumer: QueueConsumer
    /// The queue it consumes.
    let queue: any MessageQueue
    /// Where originals live (the local `upload` command writes here too).
    let sourceStore: any ObjectStore
    private let connection: AWSConnection?
    private let httpClient: HTTPClient
    private let pipeline: ThumbnailPipeline

    /// Builds the runtime on `backends` (opened from the configuration when nil), notifying `extraNotifiers` besides
    /// the configured ones; configuration problems (missing region, unreadable queue file) are thrown before anything
    /// runs.
    init(
        configuration: WorkerConfiguration, environment: [String: String], workerID: String, logger: Logger,
        stopsWhenIdle: Bool = false, metrics: WorkerMetrics = .disabled, extraNotifiers: [any Notifier] = [],
        backends openedBackends: WorkerBackends? = nil
    ) async throws {
        let backends: WorkerBackends
        if let openedBackends {
            backends = openedBackends
        } else {
            backends = try await WorkerBackends(configuration: configuration, environment: environment, logger: logger)
        }
        let (connection, queue, store) = (backends.connection, backends.queue, backends.store)
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let pipeline = try ThumbnailPipeline(settings: configuration.pipelineSettings)
            let processor = UploadProcessor(
                pipeline: pipeline,
                destination: OutputLocation(
                    store: store, bucket: configuration.storage.destinationBucket,
                    prefix: configuration.storage.destinationPrefix),
                sourceBuckets: Set(configuration.storage.sourceBuckets), workerID: workerID,
                reusesCurrentOutputs: configuration.storage.reuseCurrentOutputs,
                deletesOnRemove: configuration.storage.deleteOnRemove,
                renditionURL: try connection?.renditionURL(presignSeconds: configuration.storage.presignSeconds)
                    ?? { @Sendable _, _ in nil },
                metrics: metrics)
            let notifier = NotifierGroup(
                try configuration.notifiers.map { settings in
                    try Self.makeNotifier(settings, connection: connection, httpClient: httpClient, logger: logger)
                } + extraNotifiers)
            var consumerSettings = configuration.queue.consumer
            consumerSettings.stopsWhenIdle = stopsWhenIdle
            do throws(WorkerError) {
                consumerSettings.deadLetterAfterReceives = try await queue.maxReceiveCount()
            } catch {
                logger.warning(
                    "cannot read the queue's redrive policy; a message that dead-letters after transient failures will not be notified",
                    metadata: ["thumb.error": "\(error)"])
            }
            let handler = MessageHandler(
                processor: processor, sourceStore: store, notifier: notifier, queue: queue, settings: consumerSettings,
                metrics: metrics)
            self.consumer = QueueConsumer(queue: queue, handler: handler, settings: consumerSettings, logger: logger)
            self.queue = queue
            self.sourceStore = store
            self.pipeline = pipeline
        } catch {
            try? await httpClient.shutdown()
            await backends.shutdown()
            throw error
        }
        self.connection = connection
        self.httpClient = httpClient
    }

    /// Readiness for `/ready`: whether the queue answers a depth request, checked at most every five seconds.
    func readinessProbe() -> ReadinessProbe {
        let queue = queue
        return ReadinessProbe(interval: .seconds(5)) { (try? await queue.approximateDepth()) != nil }
    }

    /// The long-lived resources as services, to list before the services that use them: the webhook HTTP client,
    /// the AWS connection pool and the imaging threads, each closed when the group shuts it down.
    var resources: [ResourceService] {
        let (httpClient, connection, pool) = (httpClient, connection, pipeline.pool)
        return [
            ResourceService("HTTPClient") { try? await httpClient.shutdown() },
            ResourceService("AWSConnection") { await connection?.shutdown() },
            ResourceService("ImagingPool") { pool.shutdown() },
        ]
    }

    private static func makeNotifier(
        _ settings: NotifierSettings, connection: AWSConnection?, httpClient: HTTPClient, logger: Logger
    ) throws -> any Notifier {
        switch settings {
        case .log(let printsEvents):
            return LogNotifier(logger: logger, jsonLines: printsEvents ? LogNotifier.standardOutput : nil)
        case .webhook(let url, let secret, let timeoutSeconds):
            guard let address = URL(string: url) else {
                throw ConfigurationError(problems: ["notifiers: '\(url)' is not a URL"], source: "notifiers")
            }
            return WebhookNotifier(
                configuration: .init(url: address, secret: secret, timeout: .seconds(timeoutSeconds)),
                client: httpClient, logger: logger)
        case .sns(let topicARN):
            return try requireAWS(connection, for: "an sns notifier").snsNotifier(topicARN: topicARN, logger: logger)
        case .websocket(let table, let endpoint):
            return try requireAWS(connection, for: "a websocket notifier")
                .websocketNotifier(connectionsTable: table, endpoint: endpoint, logger: logger)
        }
    }

    private static func requireAWS(_ connection: AWSConnection?, for what: String) throws -> AWSConnection {
        guard let connection else {
            throw ConfigurationError(
                problems: ["notifiers: \(what) needs AWS: set queue.url (the local backend has no SNS or API Gateway)"],
                source: "notifiers")
        }
        return connection
    }
}
