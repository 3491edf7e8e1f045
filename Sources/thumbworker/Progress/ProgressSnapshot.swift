import Foundation

/// What a progress display knows at one moment: the counters, the time since the start and the recent rate; the
/// text of its progress line and of its summary, and the summary as JSON.
struct ProgressSnapshot: Sendable {
    /// What the work is (`once`, `backfill s3://photos/`), put before the counters; nil for none.
    var label: String?
    /// The counts.
    var counters: ProgressCounters
    /// Time since the display started.
    var elapsed: Duration
    /// Completed items per second over the recent window; nil before any time has passed.
    var recentRate: Double?

    /// Completed items per second since the start.
    var averageRate: Double {
        elapsed > .zero ? Double(counters.completed) / (elapsed / .seconds(1)) : 0
    }

    /// Seconds until the total is reached at the recent rate; nil while the total is unknown or nothing moves.
    var secondsLeft: Double? {
        guard let total = counters.total, let rate = recentRate, rate > 0, counters.completed < total else {
            return nil
        }
        return Double(total - counters.completed) / rate
    }

    /// The live (or periodic) line: `rendered 12 · reused 0 · failed 1 · 13/40 (32%) · 9.8/s · ETA 3.0 s`.
    var line: String {
        var parts = countParts
        if let total = counters.total {
            let percent = total > 0 ? counters.completed * 100 / total : 100
            parts.append("\(counters.completed)/\(total) (\(percent)%)")
        }
        // Before anything is done a rate says nothing.
        if let recentRate, counters.completed > 0 {
            parts.append(ProgressFormat.rate(recentRate))
        }
        if let secondsLeft {
            parts.append("ETA " + ProgressFormat.seconds(secondsLeft))
        }
        return prefixed(parts.joined(separator: " · "), by: label)
    }

    /// The closing line: `HEADLINE: rendered 38 · reused 2 · failed 0; 40 in 3.2 s, 12/s` (the label when no headline).
    func summary(headline: String? = nil) -> String {
        let time = "\(counters.completed) in \(ProgressFormat.seconds(elapsed / .seconds(1)))"
        let text = countParts.joined(separator: " · ") + "; \(time), \(ProgressFormat.rate(averageRate))"
        return prefixed(text, by: headline ?? label)
    }

    /// The closing summary as one line of JSON: the label, counters, completed, total, bytes, seconds and rate.
    var json: String {
        let summary = Summary(
            label: label, counters: Dictionary(uniqueKeysWithValues: counters.entries.map { ($0.name, $0.count) }),
            completed: counters.completed, total: counters.total,
            bytes: counters.bytesLabel == nil ? nil : counters.bytes, seconds: elapsed / .seconds(1),
            rate: averageRate)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The shape of the JSON summary.
    struct Summary: Codable, Equatable {
        /// What the work was.
        var label: String?
        /// Every counter's count.
        var counters: [String: Int]
        /// The completed work.
        var completed: Int
        /// The total, when it was known.
        var total: Int?
        /// The bytes counted, when the command counts them.
        var bytes: Int?
        /// Seconds since the start.
        var seconds: Double
        /// Completed items per second since the start.
        var rate: Double
    }

    private var countParts: [String] {
        var parts = counters.entries.map { "\($0.name) \($0.count)" }
        if let bytesLabel = counters.bytesLabel {
            parts.append("\(ProgressFormat.bytes(counters.bytes)) \(bytesLabel)")
        }
        return parts
    }

    private func prefixed(_ text: String, by prefix: String?) -> String {
        prefix.map { "\($0): \(text)" } ?? text
    }
}
