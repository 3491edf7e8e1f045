package import Logging

/// One log call as a `MetadataLogHandler` kept it.
package struct LogRecord: Sendable {
    /// The level it was logged at.
    package let level: Logger.Level
    /// The message.
    package let message: String
    /// The logger's metadata merged with the call's.
    package let metadata: Logger.Metadata

    /// The value of metadata `key` as text, or nil.
    package subscript(key: String) -> String? { metadata[key].map { "\($0)" } }

    /// `level message metadata`, the way a line of text would show it.
    package var line: String { "\(level) \(message) \(metadata)" }
}

/// A log handler that keeps every record with its structured metadata, for tests.
package struct MetadataLogHandler: LogHandler {
    /// The records, shared by every copy of the handler.
    package let records: Locked<[LogRecord]>
    /// The logger's own metadata.
    package var metadata: Logger.Metadata = [:]
    /// Everything is recorded.
    package var logLevel: Logger.Level = .trace

    /// One metadata value.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Keeps the record.
    package func log(event: LogEvent) {
        let record = LogRecord(
            level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 })
        records.withLock { $0.append(record) }
    }

    /// A logger at trace level and the records it keeps.
    package static func logger() -> (Logger, Locked<[LogRecord]>) {
        let records = Locked<[LogRecord]>([])
        return (Logger(label: "test") { _ in MetadataLogHandler(records: records) }, records)
    }
}
