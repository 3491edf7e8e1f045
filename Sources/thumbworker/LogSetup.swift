import Foundation
import Logging
import WorkerCore

/// Sets up swift-log for `run`: text or JSON lines on standard error, at the configured level.
enum LogSetup {
    /// Installs the process's log handler once.
    static func bootstrap(_ settings: ObservabilitySettings) {
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch settings.logFormat {
                case .text: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
            handler.logLevel = level
            return handler
        }
    }
}

/// Writes each log record as one JSON object per line on standard error: time, level, label, message and metadata.
struct JSONLogHandler: LogHandler {
    /// The logger's label.
    let label: String
    /// The lowest level written.
    var logLevel: Logger.Level = .info
    /// Metadata on every record of this logger.
    var metadata: Logger.Metadata = [:]

    /// Metadata by key.
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one record.
    func log(event: LogEvent) {
        var fields: [String: String] = [
            "time": Date().formatted(.iso8601), "level": "\(event.level)", "label": label,
            "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        guard
            var line = try? JSONSerialization.data(
                withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        line.append(0x0A)
        FileHandle.standardError.write(line)
    }
}
