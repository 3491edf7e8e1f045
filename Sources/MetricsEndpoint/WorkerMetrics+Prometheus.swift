package import Prometheus
package import WorkerCore

extension WorkerMetrics {
    /// A Prometheus factory over `registry` with queue-lag buckets from 100 ms to an hour.
    package static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["thumbworker_queue_lag_seconds"] = [
            0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600,
        ]
        return factory
    }
}
