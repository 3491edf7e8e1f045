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
        for section in ConfigKey.sections {
            let depth = section.split(separator: ".").count
            let indent = String(repeating: "  ", count: depth - 1)
            lines.append("\(indent)\(section.split(separator: ".").last ?? ""):")
            for key in ConfigKey.table where key.section == section {
                lines.append("\(indent)  \(key.name): \(key.effective(self))")
            }
        }
        lines.append(notifiers.isEmpty ? "notifiers: []" : "notifiers:")
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
                lines += [
                    "  - type: websocket", "    connections_table: \"\(table)\"", "    endpoint: \"\(endpoint)\"",
                ]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
