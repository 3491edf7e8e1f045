package import Prometheus
package import WorkerCore

/// What a metrics endpoint serves: the Prometheus text and whether the process is ready.
package protocol MetricsSource: Sendable {
    /// The Prometheus text exposition for `/metrics`.
    func scrape() async -> [UInt8]
    /// Nil when ready; else why not, for `/ready`'s 503.
    func notReadyReason() async -> String?
}

/// One worker's metrics: its registry, and ready while its queue answers.
package struct RegistrySource: MetricsSource {
    /// The worker's metrics.
    let registry: PrometheusCollectorRegistry
    /// Whether the queue answered its last depth check.
    let readiness: ReadinessProbe
    /// Runs before each scrape (e.g. to sample memory use).
    let beforeScrape: @Sendable () -> Void

    /// Serves `registry`, ready while `readiness` says so; `beforeScrape` runs before each scrape.
    package init(
        registry: PrometheusCollectorRegistry, readiness: ReadinessProbe,
        beforeScrape: @escaping @Sendable () -> Void = {}
    ) {
        self.registry = registry
        self.readiness = readiness
        self.beforeScrape = beforeScrape
    }

    /// The registry's text, after `beforeScrape`.
    package func scrape() async -> [UInt8] {
        beforeScrape()
        return registry.emitToBuffer()
    }

    /// Nil while the queue answers.
    package func notReadyReason() async -> String? {
        await readiness.isReady() ? nil : "the queue did not answer the last depth check"
    }
}
