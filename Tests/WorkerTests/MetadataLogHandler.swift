import TestSupport
import Logging

/// One log call as a `MetadataLogHandler` kept it.
struct LogRecord: Sendable {
    /// The level it was logged at.
    let level: Logger.Level
    /// The message.
    let message: String
    /// The logger's metadata merged with the call's.
    let metadata: Logger.Metadata

    /// The value of metadata `key` as text, or nil.
    subscript(key: String) -> String? { metadata[key].map { "\($0)" } }
}

/// A log handler that keeps every record with its structured metadata, for tests.
struct MetadataLogHandler: LogHandler {
    /// The records, shared by every copy of the handler.
    let records: Locked<[LogRecord]>
    /// The logger's own metadata.
    var metadata: Logger.Metadata = [:]
    /// Everything is recorded.
    var logLevel: Logger.Level = .trace

    /// One metadata value.
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Keeps the record.
    func log(event: LogEvent) {
        let record = LogRecord(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 })
        records.withLock { $0.append(record) }
    }

    /// A logger at trace level and the records it keeps.
    static func logger() -> (Logger, Locked<[LogRecord]>) {
        let records = Locked<[LogRecord]>([])
        return (Logger(label: "notifier-test") { _ in MetadataLogHandler(records: records) }, records)
    }
}
