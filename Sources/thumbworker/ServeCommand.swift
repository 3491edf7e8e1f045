import AppCore
import ArgumentParser
import Foundation
import Hummingbird
import Imaging
import LocalBackend
import Logging
import Serve
import ServiceLifecycle
import UnixSignals
import WorkerCore

/// `thumbworker serve`: the app around the worker on one machine — the groups/images API, uploads to the local
/// buckets by presigned URL, thumbnails served back — with the worker running in the same process.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the groups/images API and the local buckets, with the worker in the same process.",
        discussion: """
            Runs on the embedded local backends (no queue.url): groups and images are kept in a SQLite catalog next \
            to the queue file, POST /groups/{id}/images hands out a presigned PUT to this server, the upload is \
            verified, stored in the local upload bucket and its S3 event enqueued, and the worker in this process \
            makes the thumbnails, which GET /images/{id} then lists and /local/{thumbnail bucket}/{key} serves. \
            Listens on serve.host:serve.port (127.0.0.1:8080); SIGTERM or Ctrl-C drains the worker and stops.
            """
    )

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    @Option(name: .long, help: "The port to listen on (serve.port).")
    var port: Int?

    func run() async throws {
        var configuration: WorkerConfiguration
        do {
            configuration = try WorkerConfiguration.load(
                orDefaultAt: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        if let port { configuration.serve.port = port }
        guard configuration.queue.url == nil else {
            Terminal.standardError(
                "thumbworker: serve runs on the local backends only so far; remove queue.url (or run it with another worker.conf)"
            )
            throw ExitCode(2)
        }
        let authentication: Authentication
        do {
            authentication = try await Self.authentication(for: configuration.serve)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        LogSetup.bootstrap(configuration.observability)
        let logger = Logger(label: "thumbworker")
        let settings = configuration.serve
        let uploadBucket = configuration.storage.sourceBuckets.first ?? "uploads"
        let catalog: SQLiteCatalog
        let runtime: WorkerRuntime
        let subscriptions = GroupSubscriptions()
        let signer = LocalUploadSigner(
            baseURL: URL(string: "http://\(settings.host):\(settings.port)") ?? URL(fileURLWithPath: "/"),
            validity: .seconds(settings.uploadURLSeconds))
        do {
            let folder = URL(fileURLWithPath: configuration.queue.localPath).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            catalog = try SQLiteCatalog(path: folder.appending(path: "catalog.sqlite").path)
            // The buckets exist from the start, so listing or deleting before the first upload finds them.
            for bucket in [uploadBucket, configuration.storage.destinationBucket] {
                try FileManager.default.createDirectory(
                    at: URL(fileURLWithPath: configuration.storage.localRoot).appending(path: bucket),
                    withIntermediateDirectories: true)
            }
            runtime = try await WorkerRuntime(
                configuration: configuration, environment: ProcessInfo.processInfo.environment,
                workerID: WorkerIdentity.current, logger: logger,
                extraNotifiers: [
                    AppServer.notifier(
                        catalog: catalog, uploadBucket: uploadBucket, subscriptions: subscriptions, links: signer)
                ])
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        let server = AppServer(
            catalog: catalog, originals: OutputLocation(store: runtime.sourceStore, bucket: uploadBucket),
            thumbnails: OutputLocation(
                store: runtime.sourceStore, bucket: configuration.storage.destinationBucket,
                prefix: configuration.storage.destinationPrefix),
            queue: runtime.queue, signer: signer, subscriptions: subscriptions, corsOrigins: Set(settings.corsOrigins),
            maxInputBytes: configuration.imaging.limits.maxInputBytes, cacheControl: configuration.cacheControl,
            authentication: authentication)
        let application = server.application(host: settings.host, port: settings.port, logger: logger)
        var services = runtime.resources.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        services.append(.init(service: runtime.consumer))
        services.append(.init(service: application))
        logger.info("thumbworker serve listening", metadata: ["serve.url": "\(signer.baseURL)"])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
