import Imaging

extension WorkerConfiguration {
    /// The effective configuration as YAML that `parse` reads back, with secrets replaced by `<redacted>`.
    package var effectiveYAML: String {
        var lines = ["# effective thumbworker configuration (file < THUMBWORKER_* environment < flags)", "renditions:"]
        for rendition in renditions {
            lines.append("  - name: \(rendition.name)")
            if let width = rendition.width { lines.append("    width: \(width)") }
            if let height = rendition.height { lines.append("    height: \(height)") }
            lines.append("    fit: \(rendition.fit.rawValue)")
            if rendition.fit == .cover { lines.append("    gravity: \(rendition.gravity.rawValue)") }
            lines.append("    format: \(rendition.format.rawValue)")
            if let quality = rendition.quality { lines.append("    quality: \(quality)") }
            lines += [
                "    upscale: \(rendition.upscale)", "    metadata: \(rendition.metadata.rawValue)",
                "    progressive: \(rendition.progressive)", "    animated: \(rendition.animated)",
                "    max_frames: \(rendition.maxFrames)",
            ]
            if let background = rendition.background { lines.append("    background: \"\(background.hex)\"") }
        }
        lines += [
            "output:", "  key_template: \"\(keyTemplate.pattern)\"", "  cache_control: \"\(cacheControl ?? "")\"",
            "limits:", "  max_input_bytes: \(imaging.limits.maxInputBytes)", "  max_pixels: \(imaging.limits.maxPixels)",
            "  max_frames: \(imaging.limits.maxFrames)",
            "  allowed_formats: [\(imaging.limits.allowedFormats.map(\.rawValue).sorted().joined(separator: ", "))]",
            "imaging:", "  background: \"\(imaging.background.hex)\"", "  placeholder: \(imaging.placeholder)",
            "  concurrency: \(concurrency)", "  memory_budget_mb: \(memoryBudgetBytes >> 20)", "  quality:", "    jpeg: \(imaging.quality.jpeg)", "    webp: \(imaging.quality.webp)",
            "    avif: \(imaging.quality.avif)",
            "queue:", "  url: \"\(queue.url ?? "")\"", "  local_path: \"\(queue.localPath)\"",
            "  local_max_receives: \(queue.localMaxReceives)", "  batch_size: \(queue.consumer.batchSize)",
            "  max_in_flight: \(queue.maxInFlight)",
            "  wait_seconds: \(queue.consumer.wait.components.seconds)",
            "  visibility_timeout_seconds: \(queue.consumer.visibilityTimeout.components.seconds)",
            "  drain_timeout_seconds: \(queue.consumer.drainTimeout.components.seconds)",
            "  retry_base_seconds: \(queue.consumer.retryBaseDelay.components.seconds)",
            "  retry_max_seconds: \(queue.consumer.retryMaxDelay.components.seconds)",
            "  on_permanent_failure: \(queue.consumer.permanentFailures.rawValue)",
            "source:", "  buckets: [\(storage.sourceBuckets.joined(separator: ", "))]",
            "destination:", "  bucket: \(storage.destinationBucket)", "  prefix: \"\(storage.destinationPrefix)\"",
            "  reuse_current: \(storage.reuseCurrentOutputs)", "  presign_seconds: \(storage.presignSeconds)",
            "local:", "  root: \"\(storage.localRoot)\"",
            "aws:", "  region: \"\(aws.region ?? "")\"", "  endpoint_url: \"\(aws.endpointURL ?? "")\"",
            "  path_style: \(aws.pathStyle.map { "\($0)" } ?? "auto")",
            "notifiers:",
        ]
        for notifier in notifiers {
            switch notifier {
            case .log(let printsEvents):
                lines += ["  - type: log", "    print: \(printsEvents)"]
            case .webhook(let url, let secret, let timeout):
                lines += ["  - type: webhook", "    url: \"\(url)\"", "    timeout_seconds: \(timeout)"]
                if secret != nil { lines.append("    secret: \"<redacted>\"") }
            case .sns(let topic):
                lines += ["  - type: sns", "    topic_arn: \"\(topic)\""]
            case .websocket(let table, let endpoint):
                lines += ["  - type: websocket", "    connections_table: \"\(table)\"", "    endpoint: \"\(endpoint)\""]
            }
        }
        lines += [
            "logging:", "  format: \(observability.logFormat.rawValue)", "  level: \(observability.logLevel)",
            "metrics:", "  port: \(observability.metricsPort)", "  host: \"\(observability.metricsHost)\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
