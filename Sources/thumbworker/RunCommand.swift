import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import MetricsEndpoint
import Prometheus
import ServiceLifecycle
import UnixSignals
import WorkerCore

/// `thumbworker run`: a fleet member consuming the queue until SIGTERM or SIGINT (or, with --exit-when-idle, until drained).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Consume upload events from the queue and make thumbnails until stopped.",
        discussion: """
            With queue.url set, consumes SQS and reads and writes S3; without it, the local backends (a SQLite queue and \
            folders as buckets, see `thumbworker upload`). SIGTERM or SIGINT stops receiving, lets jobs in flight finish \
            within queue.drain_timeout_seconds, releases the rest and exits 0.
            """
    )

    @Option(name: .long, help: "Configuration file (YAML). Default: ./worker.conf when present.")
    var config: String?

    @Option(name: .long, help: "Images processed at once (default: imaging.concurrency, one per core).")
    var concurrency: Int?

    @Option(name: .long, help: "Messages held at once (default: queue.max_in_flight, twice the concurrency).")
    var maxInFlight: Int?

    @Flag(
        name: .long,
        help:
            "Exit 0 once no message is visible, in flight or hidden (for demos and batch runs); exit 1 if some stay hidden longer than --max-idle-wait."
    )
    var exitWhenIdle = false

    @Option(
        name: .long,
        help:
            "With --exit-when-idle: seconds to wait for hidden messages (another worker's, a dead one's, backed off) to come back (default: queue.visibility_timeout_seconds)."
    )
    var maxIdleWait: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Worker processes on this host under one supervisor, or auto for one per usable CPU (default: imaging.processes).",
            valueName: "n|auto"))
    var processes: String?

    /// Set by the supervisor on the processes it starts: its own process id, which they watch (see `ParentWatch`).
    @Option(name: .long, help: .hidden)
    var supervisor: Int32?

    func run() async throws {
        var configuration: WorkerConfiguration
        do {
            configuration = try WorkerConfiguration.load(
                orDefaultAt: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        if let concurrency {
            configuration.concurrency = max(1, concurrency)
        }
        if let maxIdleWait {
            configuration.queue.consumer.maxIdleWait = .seconds(max(0, maxIdleWait))
        }
        if let maxInFlight {
            configuration.queue.consumer.maxInFlight = max(1, maxInFlight)
        }
        if let processes {
            guard let count = processes == "auto" ? 0 : Int(processes), (0...1024).contains(count) else {
                Terminal.standardError("thumbworker: --processes \(processes): give a number of processes, or auto")
                throw ExitCode(2)
            }
            configuration.processes = count
        }
        LogSetup.bootstrap(configuration.observability)
        let logger = Logger(label: "thumbworker")
        let processCount = configuration.processes == 0 ? HostShare.usableCPUs() : configuration.processes
        if processCount > 1 {
            try await supervise(processCount, configuration: configuration, logger: logger)
            return
        }
        let registry = PrometheusCollectorRegistry()
        let metricsFactory = WorkerMetrics.prometheusFactory(registry: registry)
        MetricsSystem.bootstrap(metricsFactory)
        let metrics = WorkerMetrics(factory: metricsFactory)
        let runtime: WorkerRuntime
        do {
            runtime = try await WorkerRuntime(
                configuration: configuration, environment: ProcessInfo.processInfo.environment,
                workerID: WorkerIdentity.current, logger: logger, stopsWhenIdle: exitWhenIdle,
                metrics: metrics)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        // Resources first: a group shuts its services down in reverse order, so they close after their users.
        var services = runtime.resources.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        // Before the consumer, so it is shut down after it: /metrics and /health answer while it drains.
        let source = RegistrySource(
            registry: registry, readiness: runtime.readinessProbe(), beforeScrape: { metrics.sampleResidentMemory() })
        if let server = await Self.metricsServer(configuration.observability, source: source, logger: logger) {
            services.append(.init(service: server))
        }
        logger.info(
            "thumbworker started",
            metadata: [
                "thumb.queue": "\(configuration.queue.url ?? configuration.queue.localPath)",
                "thumb.concurrency": "\(configuration.effectiveConcurrency)",
                "thumb.max_in_flight": "\(configuration.effectiveMaxInFlight)",
            ])
        if let supervisor {
            services.append(
                .init(
                    service: ParentWatch(supervisor: supervisor, logger: logger),
                    successTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: runtime.consumer, successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as WorkerError where error.code == .queueNotDrained {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(1)
        }
    }

    /// Runs `count` worker processes under a supervisor, with one metrics endpoint for the host.
    private func supervise(_ count: Int, configuration: WorkerConfiguration, logger: Logger) async throws {
        var arguments = ["run", "--supervisor", "\(getpid())"]
        if let config { arguments += ["--config", config] }
        if let maxInFlight { arguments += ["--max-in-flight", "\(maxInFlight)"] }
        if exitWhenIdle { arguments.append("--exit-when-idle") }
        if let maxIdleWait { arguments += ["--max-idle-wait", "\(maxIdleWait)"] }
        // Processes, not threads, share the host: each child defaults to one imaging thread.
        arguments += ["--concurrency", "\(configuration.concurrency > 0 ? configuration.concurrency : 1)"]
        var environment = ProcessInfo.processInfo.environment
        environment["THUMBWORKER_IMAGING_PROCESSES"] = "1"
        if configuration.memoryBudgetBytes > 0 {
            environment["THUMBWORKER_IMAGING_MEMORY_BUDGET_MB"] =
                "\(max(1, (configuration.memoryBudgetBytes / count) >> 20))"
        }
        let launch = ChildLaunch(
            executable: URL(filePath: "/proc/self/exe").resolvingSymlinksInPath(), arguments: arguments,
            environment: environment, ports: try HostShare.freePorts(count),
            cpus: configuration.pinProcesses
                ? CPUAffinity.childCPUs(count: count, usableCPUs: HostShare.usableCPUs()) : nil)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ResourceService("HTTPClient") { try? await client.shutdown() })
        ]
        let source = SupervisorMetrics(ports: launch.ports, client: client)
        if let server = await Self.metricsServer(configuration.observability, source: source, logger: logger) {
            services.append(.init(service: server))
        }
        logger.info(
            "thumbworker supervisor started",
            metadata: [
                "thumb.processes": "\(count)", "thumb.arguments": "\(arguments.joined(separator: " "))",
                "thumb.cpus": "\(launch.cpus.map { $0.map(String.init).joined(separator: ",") } ?? "any")",
            ])
        services.append(
            .init(
                service: Supervisor(launch: launch, stopsWhenIdle: exitWhenIdle, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as SupervisorError {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(1)
        }
    }

    /// The metrics endpoint serving `source`, or nil when `metrics.port` is 0 or the address cannot be bound: thumbnails
    /// matter more than metrics, and several workers on one host would otherwise fight over the port.
    private static func metricsServer(
        _ observability: ObservabilitySettings, source: any MetricsSource, logger: Logger
    ) async -> MetricsServer? {
        guard observability.metricsPort != 0 else { return nil }
        do {
            return try await MetricsServer.bind(
                host: observability.metricsHost, port: observability.metricsPort, source: source, logger: logger)
        } catch {
            logger.warning(
                "cannot serve metrics; running without /metrics, /health and /ready",
                metadata: [
                    "thumb.metrics.address": "\(observability.metricsHost):\(observability.metricsPort)",
                    "thumb.error": "\(error)",
                ])
            return nil
        }
    }
}
