package import Foundation

/// Where a backfill got to, written after each listing page's work is done, so `--resume` redoes at most one page.
package struct BackfillCheckpoint: Sendable, Codable, Hashable {
    /// The bucket listed.
    package var bucket: String
    /// The key prefix listed.
    package var prefix: String
    /// The filters in force (`--since`, `--until`, `--match`), so a resume with others is refused.
    package var filters: String
    /// The last key of the last page done; nil before the first.
    package var after: String?
    /// Whether the listing reached its end.
    package var finished: Bool
    /// The counts so far.
    package var tally: BackfillTally
    /// When it was written.
    package var written: Date

    /// Creates a checkpoint.
    package init(
        bucket: String, prefix: String, filters: String, after: String? = nil, finished: Bool = false,
        tally: BackfillTally = BackfillTally(), written: Date = Date()
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.filters = filters
        self.after = after
        self.finished = finished
        self.tally = tally
        self.written = written
    }

    /// The checkpoint in the file at `path`, or nil when there is none.
    package static func load(from path: String) throws(BackfillError) -> BackfillCheckpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(BackfillCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw BackfillError(
                .checkpointUnusable,
                "cannot read the checkpoint \(path) (\(error)); remove it to start from the beginning")
        }
    }

    /// Writes the checkpoint to `path` atomically: a crash leaves the old one or the new one, never half of one.
    package func save(to path: String) throws(BackfillError) {
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BackfillError(
                .checkpointUnusable,
                "cannot write the checkpoint \(path) (\(error)); give --checkpoint a writable path")
        }
    }

    /// Why this checkpoint cannot resume a backfill of `bucket`/`prefix` with `filters`; nil when it can.
    package func mismatch(bucket: String, prefix: String, filters: String) -> String? {
        if self.bucket != bucket || self.prefix != prefix {
            return "it is of s3://\(self.bucket)/\(self.prefix), not s3://\(bucket)/\(prefix)"
        }
        if self.filters != filters {
            return "it was made with the filters '\(self.filters)', not '\(filters)'"
        }
        return nil
    }
}
