import Logging
import TestSupport
import Testing
import WorkerCore

/// The log notifier's record and JSON line.
@Suite struct LogNotifierTests {
    @Test func logsAReadyEventWithItsMetadata() async throws {
        let (logger, records) = MetadataLogHandler.logger()
        try await LogNotifier(logger: logger).notify(.sampleReady)
        let record = try #require(records.value.first)
        #expect(records.withLock { $0.count } == 1)
        #expect(record.level == .info)
        #expect(record.message == "thumbnail event")
        #expect(record["thumb.event.type"] == "thumbnails.ready")
        #expect(record["thumb.s3.bucket"] == "originals")
        #expect(record["thumb.s3.key"] == "in/cat.jpg")
        #expect(record["thumb.renditions.count"] == "2")
        #expect(record["thumb.error.code"] == nil)
    }

    @Test func logsAFailedEventWithItsErrorCode() async throws {
        let (logger, records) = MetadataLogHandler.logger()
        try await LogNotifier(logger: logger).notify(.sampleFailed)
        let record = try #require(records.value.first)
        #expect(record["thumb.event.type"] == "thumbnails.failed")
        #expect(record["thumb.s3.key"] == "in/broken.png")
        #expect(record["thumb.error.code"] == "corrupt")
        #expect(record["thumb.error.retryable"] == "false")
        #expect(record["thumb.renditions.count"] == nil)
    }

    @Test func writesTheEventJSONAsOneLine() async throws {
        let (logger, _) = MetadataLogHandler.logger()
        let lines = Locked<[String]>([])
        let notifier = LogNotifier(logger: logger, jsonLines: { line in lines.withLock { $0.append(line) } })
        try await notifier.notify(.sampleReady)
        let written = lines.value
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(!line.contains("\n"))
        #expect(Array(line.utf8) == ThumbnailEvent.sampleReady.jsonBytes())
        #expect(try ThumbnailEvent.decode(json: Array(line.utf8)).jsonBytes() == ThumbnailEvent.sampleReady.jsonBytes())
    }
}
