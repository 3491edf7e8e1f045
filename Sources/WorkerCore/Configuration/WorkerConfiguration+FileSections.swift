import Yams

extension WorkerConfiguration {
    /// Reads the `queue` section.
    mutating func readQueue(_ section: ConfigMapping, _ reader: ConfigReader) {
        if let url = section.string("url", reader) { queue.url = url.isEmpty ? nil : url }
        if let path = section.string("local_path", reader) { queue.localPath = path }
        if let value = section.integer("local_max_receives", in: 1...1000, reader) { queue.localMaxReceives = value }
        if let value = section.integer("batch_size", in: 1...10, reader) { queue.consumer.batchSize = value }
        if let value = section.integer("max_in_flight", in: 0...1000, reader) { queue.maxInFlight = value }
        if let value = section.integer("wait_seconds", in: 0...20, reader) { queue.consumer.wait = .seconds(value) }
        if let value = section.integer("visibility_timeout_seconds", in: 10...43_200, reader) {
            queue.consumer.visibilityTimeout = .seconds(value)
        }
        if let value = section.integer("drain_timeout_seconds", in: 1...43_200, reader) { queue.consumer.drainTimeout = .seconds(value) }
        if let value = section.integer("retry_base_seconds", in: 1...43_200, reader) { queue.consumer.retryBaseDelay = .seconds(value) }
        if let value = section.integer("retry_max_seconds", in: 1...43_200, reader) { queue.consumer.retryMaxDelay = .seconds(value) }
        if let text = section.string("on_permanent_failure", reader) {
            if let policy = ConsumerSettings.PermanentFailurePolicy(rawValue: text) {
                queue.consumer.permanentFailures = policy
            } else {
                reader.problems.append("queue.on_permanent_failure: '\(text)' is not delete or dead-letter")
            }
        }
        section.reportUnknownKeys(known: [
            "url", "local_path", "local_max_receives", "batch_size", "max_in_flight", "wait_seconds", "visibility_timeout_seconds",
            "drain_timeout_seconds", "retry_base_seconds", "retry_max_seconds", "on_permanent_failure",
        ], reader)
        if queue.consumer.drainTimeout >= queue.consumer.visibilityTimeout {
            reader.problems.append("queue.drain_timeout_seconds must be shorter than queue.visibility_timeout_seconds, or a draining job's message could be delivered to another worker meanwhile")
        }
        if queue.consumer.drainTimeout < queue.consumer.wait {
            reader.problems.append("queue.drain_timeout_seconds must be at least queue.wait_seconds, or the drain timeout could cut short the long poll shutdown lets finish, and a message SQS hands to it would stay hidden")
        }
    }

    /// Reads the `source`, `destination` and `local` sections.
    mutating func readStorage(source: ConfigMapping?, destination: ConfigMapping?, local: ConfigMapping?, _ reader: ConfigReader) {
        if let source {
            if let buckets = source.list("buckets", reader) { storage.sourceBuckets = buckets }
            source.reportUnknownKeys(known: ["buckets"], reader)
        }
        if let destination {
            if let bucket = destination.string("bucket", reader) { storage.destinationBucket = bucket }
            if let prefix = destination.string("prefix", reader) { storage.destinationPrefix = prefix }
            if let reuse = destination.flag("reuse_current", reader) { storage.reuseCurrentOutputs = reuse }
            if let seconds = destination.integer("presign_seconds", in: 0...604_800, reader) { storage.presignSeconds = seconds }
            destination.reportUnknownKeys(known: ["bucket", "prefix", "reuse_current", "presign_seconds"], reader)
            if storage.destinationBucket.isEmpty { reader.problems.append("destination.bucket: give the thumbnail bucket") }
        }
        if let local {
            if let root = local.string("root", reader) { storage.localRoot = root }
            local.reportUnknownKeys(known: ["root"], reader)
        }
    }

    /// Reads the `aws` section.
    mutating func readAWS(_ section: ConfigMapping, _ reader: ConfigReader) {
        if let region = section.string("region", reader) { aws.region = region.isEmpty ? nil : region }
        if let endpoint = section.string("endpoint_url", reader) { aws.endpointURL = endpoint.isEmpty ? nil : endpoint }
        if let style = section.string("path_style", reader) {
            switch style {
            case "auto": aws.pathStyle = nil
            case "true", "yes": aws.pathStyle = true
            case "false", "no": aws.pathStyle = false
            default: reader.problems.append("aws.path_style: '\(style)' is not auto, true or false")
            }
        }
        section.reportUnknownKeys(known: ["region", "endpoint_url", "path_style"], reader)
    }

    /// Reads the `notifiers` list.
    mutating func readNotifiers(_ node: Node, _ reader: ConfigReader) {
        guard let items = reader.sequence(node, at: "notifiers") else { return }
        notifiers = items.enumerated().compactMap { index, item in
            guard let mapping = reader.mapping(item, at: "notifiers[\(index)]") else { return nil }
            let type = mapping.string("type", reader) ?? ""
            switch type {
            case "log":
                mapping.reportUnknownKeys(known: ["type", "print"], reader)
                return .log(printsEvents: mapping.flag("print", reader) ?? false)
            case "webhook":
                mapping.reportUnknownKeys(known: ["type", "url", "secret", "timeout_seconds"], reader)
                guard let url = mapping.string("url", reader), url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    reader.problems.append("notifiers[\(index)].url: give the webhook's http:// or https:// URL")
                    return nil
                }
                let secret = mapping.string("secret", reader)
                return .webhook(url: url, secret: secret?.isEmpty == true ? nil : secret,
                                timeoutSeconds: mapping.integer("timeout_seconds", in: 1...300, reader) ?? 10)
            case "sns":
                mapping.reportUnknownKeys(known: ["type", "topic_arn"], reader)
                guard let topic = mapping.string("topic_arn", reader), topic.hasPrefix("arn:") else {
                    reader.problems.append("notifiers[\(index)].topic_arn: give the SNS topic ARN (arn:aws:sns:…)")
                    return nil
                }
                return .sns(topicARN: topic)
            case "websocket":
                mapping.reportUnknownKeys(known: ["type", "connections_table", "endpoint"], reader)
                guard let table = mapping.string("connections_table", reader), !table.isEmpty,
                      let endpoint = mapping.string("endpoint", reader), endpoint.hasPrefix("http") else {
                    reader.problems.append("notifiers[\(index)]: a websocket notifier needs connections_table and endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage})")
                    return nil
                }
                return .websocket(connectionsTable: table, endpoint: endpoint)
            default:
                reader.problems.append("notifiers[\(index)].type: '\(type)' is not log, webhook, sns or websocket")
                return nil
            }
        }
    }

    /// Reads the `logging` and `metrics` sections.
    mutating func readObservability(logging: ConfigMapping?, metrics: ConfigMapping?, _ reader: ConfigReader) {
        if let logging {
            if let text = logging.string("format", reader) {
                if let format = ObservabilitySettings.LogFormat(rawValue: text) {
                    observability.logFormat = format
                } else {
                    reader.problems.append("logging.format: '\(text)' is not text or json")
                }
            }
            if let level = logging.string("level", reader) {
                if ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) {
                    observability.logLevel = level
                } else {
                    reader.problems.append("logging.level: '\(level)' is not trace, debug, info, notice, warning, error or critical")
                }
            }
            logging.reportUnknownKeys(known: ["format", "level"], reader)
        }
        if let metrics {
            if let port = metrics.integer("port", in: 0...65_535, reader) { observability.metricsPort = port }
            if let host = metrics.string("host", reader) {
                if host.isEmpty {
                    reader.problems.append("metrics.host: give an address to listen on (127.0.0.1, 0.0.0.0, ::)")
                } else {
                    observability.metricsHost = host
                }
            }
            metrics.reportUnknownKeys(known: ["port", "host"], reader)
        }
    }
}
