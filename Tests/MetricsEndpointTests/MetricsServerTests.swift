import AsyncHTTPClient
import Logging
import Metrics
import MetricsEndpoint
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import ServiceLifecycleTestKit
import TestSupport
import Testing
import WorkerCore

@Suite("The metrics endpoint: /metrics, /health, /ready and graceful shutdown")
struct MetricsServerTests {
    /// The status and body of `GET path` on the server.
    private func get(_ path: String, from server: MetricsServer) async throws -> (status: UInt, body: String) {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, String(buffer: body))
    }

    /// Runs `body` against a server on 127.0.0.1 (a free port), then shuts it down gracefully and waits for `run()` to end.
    private func withServer(
        registry: PrometheusCollectorRegistry, ready: @escaping @Sendable () async -> Bool = { true },
        beforeScrape: @escaping @Sendable () -> Void = {}, _ body: (MetricsServer) async throws -> Void
    ) async throws {
        let source = RegistrySource(
            registry: registry, readiness: ReadinessProbe(interval: .zero, check: ready), beforeScrape: beforeScrape)
        let server = try await MetricsServer.bind(host: "127.0.0.1", port: 0, source: source, logger: .quiet)
        #expect(server.port > 0)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                try await body(server)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test("GET /metrics shows a counter incremented through the worker's metrics, with its label, and resident memory")
    func metrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: WorkerMetrics.prometheusFactory(registry: registry))
        metrics.recordJob(.skipped("a test"))
        metrics.recordBytes(1234, .incoming)
        try await withServer(registry: registry, beforeScrape: { metrics.sampleResidentMemory() }) { server in
            let (status, body) = try await get("/metrics", from: server)
            #expect(status == 200)
            #expect(body.contains(#"thumbworker_jobs_total{result="skipped"} 1"#))
            #expect(body.contains(#"thumbworker_bytes_total{direction="in"} 1234"#))
            let memory = body.split(separator: "\n").first { $0.hasPrefix("thumbworker_resident_memory_bytes ") }
            let bytes = try #require(memory.flatMap { Double($0.split(separator: " ")[1]) })
            #expect(bytes > 1_000_000)
        }
    }

    @Test("/health answers 200 ok, other paths 404")
    func healthAndNotFound() async throws {
        try await withServer(registry: PrometheusCollectorRegistry()) { server in
            let health = try await get("/health", from: server)
            #expect(health.status == 200 && health.body == "ok\n")
            #expect(try await get("/nothing", from: server).status == 404)
            #expect(try await get("/metricsx", from: server).status == 404)
        }
    }

    @Test("/ready follows the readiness check: 200 while the queue answers, 503 with a reason when it does not")
    func readiness() async throws {
        let answering = Locked(true)
        try await withServer(registry: PrometheusCollectorRegistry(), ready: { answering.value }) { server in
            #expect(try await get("/ready", from: server).status == 200)
            answering.withLock { $0 = false }
            let notReady = try await get("/ready", from: server)
            #expect(notReady.status == 503)
            #expect(notReady.body.hasPrefix("not ready:") && notReady.body.filter { $0 == "\n" }.count == 1)
        }
    }

    @Test("a port another server holds fails with the system's reason and what to set, in one line")
    func portInUse() async throws {
        try await withServer(registry: PrometheusCollectorRegistry()) { server in
            let source = RegistrySource(
                registry: PrometheusCollectorRegistry(), readiness: ReadinessProbe(interval: .zero) { true },
                beforeScrape: {})
            let error = try await #require(throws: MetricsServerError.self) {
                _ = try await MetricsServer.bind(host: "127.0.0.1", port: server.port, source: source, logger: .quiet)
            }
            #expect(error.code == .cannotListen)
            #expect(error.description.hasPrefix("cannot listen on 127.0.0.1:\(server.port): Address already in use ("))
            #expect(error.description.contains("metrics.port"))
            let opened = error.description.filter { $0 == "(" }.count
            #expect(opened == error.description.filter { $0 == ")" }.count, "\(error)")
        }
    }

    @Test("the probe checks at most once per interval")
    func probeInterval() async throws {
        let checks = Locked(0)
        let probe = ReadinessProbe(interval: .seconds(3600)) {
            checks.withLock { $0 += 1 }
            return true
        }
        for _ in 0..<3 {
            #expect(await probe.isReady())
        }
        #expect(checks.value == 1)
    }
}
