import Yams

extension WorkerConfiguration {
    /// Problems between queue settings: timeouts that would let a draining job's message reach another worker.
    func queueProblems() -> [String] {
        var problems: [String] = []
        if queue.consumer.drainTimeout >= queue.consumer.visibilityTimeout {
            problems.append(
                "queue.drain_timeout_seconds must be shorter than queue.visibility_timeout_seconds, or a draining job's message could be delivered to another worker meanwhile"
            )
        }
        if queue.consumer.drainTimeout < queue.consumer.wait {
            problems.append(
                "queue.drain_timeout_seconds must be at least queue.wait_seconds, or the drain timeout could cut short the long poll shutdown lets finish, and a message SQS hands to it would stay hidden"
            )
        }
        return problems
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
                guard let url = mapping.string("url", reader), url.hasPrefix("http://") || url.hasPrefix("https://")
                else {
                    reader.problems.append("notifiers[\(index)].url: give the webhook's http:// or https:// URL")
                    return nil
                }
                let secret = mapping.string("secret", reader)
                return .webhook(
                    url: url, secret: secret?.isEmpty == true ? nil : secret,
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
                    let endpoint = mapping.string("endpoint", reader), endpoint.hasPrefix("http")
                else {
                    reader.problems.append(
                        "notifiers[\(index)]: a websocket notifier needs connections_table and endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage})"
                    )
                    return nil
                }
                return .websocket(connectionsTable: table, endpoint: endpoint)
            default:
                reader.problems.append("notifiers[\(index)].type: '\(type)' is not log, webhook, sns or websocket")
                return nil
            }
        }
    }
}
