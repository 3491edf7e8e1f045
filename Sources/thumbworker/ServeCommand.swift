import AppCore
import ArgumentParser
import Foundation
import Hummingbird
import Imaging
import Logging
import Serve
import ServiceLifecycle
import UnixSignals
import WorkerCore

/// `thumbworker serve`: the app around the worker — the groups/images API, uploads by presigned URL, live
/// thumbnails over a websocket and the page — with the worker in the same process unless a separate fleet reports.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the groups/images API, the websocket and the page, with the worker in the same process.",
        discussion: """
            With the local backends (no queue.url) groups and images are kept in a SQLite catalog next to the queue \
            file, POST /groups/{id}/images hands out a presigned PUT to this server, which verifies it, stores the \
            original in the local upload bucket and enqueues its S3 event, and /local/{thumbnail bucket}/{key} \
            serves the thumbnails. With queue.url set (AWS) they are kept in the DynamoDB tables serve.groups_table \
            and serve.images_table and the upload URL is a presigned S3 PUT. The worker in this process (serve.worker) \
            or a separate fleet's webhook (POST /events, serve.webhook_secret) reports each upload, and /live pushes \
            it to the page. Listens on serve.host:serve.port (127.0.0.1:8080); SIGTERM or Ctrl-C drains and stops.
            """
    )

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    @Option(name: .long, help: "The port to listen on (serve.port).")
    var port: Int?

    func run() async throws {
        var configuration: WorkerConfiguration
        let environment = ProcessInfo.processInfo.environment
        let authentication: Authentication
        do {
            configuration = try WorkerConfiguration.load(orDefaultAt: config, environment: environment)
            if let port { configuration.serve.port = port }
            authentication = try await Self.authentication(for: configuration.serve)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        LogSetup.bootstrap(configuration.observability)
        let logger = Logger(label: "thumbworker")
        let settings = configuration.serve
        let uploadBucket = configuration.storage.sourceBuckets.first ?? "uploads"
        let subscriptions = GroupSubscriptions()
        let app: AppBackends
        var services: [ServiceGroupConfiguration.ServiceConfiguration]
        let backends: WorkerBackends
        do {
            backends = try await WorkerBackends(configuration: configuration, environment: environment, logger: logger)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        do {
            app = try AppBackends(
                configuration: configuration, backends: backends, uploadBucket: uploadBucket, logger: logger)
        } catch {
            await backends.shutdown()
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        if settings.runsWorker {
            do {
                // On failure the runtime closes the backends it was given.
                let runtime = try await WorkerRuntime(
                    configuration: configuration, environment: environment, workerID: WorkerIdentity.current,
                    logger: logger,
                    extraNotifiers: [
                        AppServer.notifier(
                            catalog: app.catalog, uploadBucket: uploadBucket, subscriptions: subscriptions,
                            links: app.links)
                    ], backends: backends)
                services = runtime.resources.map { .init(service: $0) } + [.init(service: runtime.consumer)]
            } catch {
                Terminal.standardError("thumbworker: \(error)")
                throw ExitCode(2)
            }
        } else {
            services = [.init(service: ResourceService("AWSConnection") { await backends.shutdown() })]
        }
        let originals = OutputLocation(store: app.store, bucket: uploadBucket)
        let thumbnails = OutputLocation(
            store: app.store, bucket: configuration.storage.destinationBucket,
            prefix: configuration.storage.destinationPrefix)
        let server = AppServer(
            catalog: app.catalog, originals: originals, thumbnails: thumbnails, links: app.links,
            localBuckets: app.localSigner.map { signer in
                LocalBuckets(
                    originals: originals, thumbnails: thumbnails, queue: app.queue, uploads: signer,
                    maxInputBytes: configuration.imaging.limits.maxInputBytes, cacheControl: configuration.cacheControl)
            },
            webhookSecret: settings.webhookSecret, subscriptions: subscriptions,
            corsOrigins: Set(settings.corsOrigins), authentication: authentication)
        services.append(.init(service: server.application(host: settings.host, port: settings.port, logger: logger)))
        logger.info(
            "thumbworker serve listening",
            metadata: [
                "serve.url": "http://\(settings.host):\(settings.port)/", "serve.worker": "\(settings.runsWorker)",
                "serve.auth": "\(settings.auth)",
            ])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
