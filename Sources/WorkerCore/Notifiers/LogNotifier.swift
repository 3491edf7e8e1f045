import Foundation
package import Logging

/// Logs each event at `info` with its key facts as metadata, and optionally writes its JSON as one line.
///
/// The JSON lines are how the local demo shows its notifications (`LogNotifier.standardOutput`); the log line is for
/// operators: `thumb.event.type`, `thumb.s3.bucket`, `thumb.s3.key`, then `thumb.renditions.count` for a ready event
/// or `thumb.error.code` and `thumb.error.retryable` for a failed one.
package struct LogNotifier: Notifier {
    /// `log`.
    package let name = "log"
    private let logger: Logger
    private let jsonLines: (@Sendable (String) -> Void)?

    /// Writes one line to standard output unbuffered, so a pipe sees each event as it happens.
    package static let standardOutput: @Sendable (String) -> Void = { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Makes a notifier logging to `logger` and, when `jsonLines` is given, passing it each event's JSON.
    package init(logger: Logger, jsonLines: (@Sendable (String) -> Void)? = nil) {
        self.logger = logger
        self.jsonLines = jsonLines
    }

    /// Logs the event and writes its JSON line; never fails.
    package func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        var metadata: Logger.Metadata = [
            "thumb.event.type": "\(event.type)",
            "thumb.s3.bucket": "\(event.source.bucket)",
            "thumb.s3.key": "\(event.source.key)",
        ]
        if let renditions = event.renditions {
            metadata["thumb.renditions.count"] = "\(renditions.count)"
        }
        if let error = event.error {
            metadata["thumb.error.code"] = "\(error.code)"
            metadata["thumb.error.retryable"] = "\(error.retryable)"
        }
        logger.info("thumbnail event", metadata: metadata)
        jsonLines?(String(decoding: event.jsonBytes(), as: UTF8.self))
    }
}
