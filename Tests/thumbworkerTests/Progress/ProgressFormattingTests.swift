import Foundation
import Testing

@testable import thumbworker

@Suite("progress: counters, rate, ETA and the text they make")
struct ProgressFormattingTests {
    @Test("counters keep their order; only the completed ones count as work done")
    func counters() {
        var counters = ProgressCounters(
            ["listed", "current", "enqueued", "failed"], completed: ["current", "enqueued", "failed"])
        counters.add(100, to: "listed")
        counters.add(30, to: "current")
        counters.add(5, to: "enqueued")
        counters.add(1, to: "failed")
        #expect(counters.completed == 36)
        #expect(counters.entries.map(\.name) == ["listed", "current", "enqueued", "failed"])
        #expect(counters.count("listed") == 100)
    }

    @Test("the rate is since the start until the window fills, then over the window only")
    func slidingRate() {
        var rate = ProgressRate(window: .seconds(10))
        #expect(rate.perSecond == nil)
        rate.record(20, at: .seconds(2))
        #expect(rate.perSecond == 10)
        rate.record(50, at: .seconds(10))
        #expect(rate.perSecond == 5)
        // A stall for the whole window: nothing done in the last 10 s.
        rate.record(50, at: .seconds(20))
        #expect(rate.perSecond == 0)
        // The window reaches back to the newest sample at or before its start (10 s).
        rate.record(80, at: .seconds(23))
        #expect(rate.perSecond == 30.0 / 13)
    }

    @Test("samples closer together than a hundredth of the window replace each other")
    func frequentSamples() {
        var rate = ProgressRate(window: .seconds(10))
        for step in 1...1000 {
            rate.record(step, at: .milliseconds(step))
        }
        #expect(rate.perSecond == 1000)
    }

    @Test("the line: counters, bytes, the total with a percentage, the rate, and the ETA once the total is known")
    func line() {
        var counters = ProgressCounters(
            ["rendered", "reused", "failed"], completed: ["rendered", "reused", "failed"], bytes: "written")
        counters.add(12, to: "rendered")
        counters.add(1, to: "failed")
        counters.bytes = 2560
        var snapshot = ProgressSnapshot(label: nil, counters: counters, elapsed: .seconds(4), recentRate: 3)
        #expect(snapshot.line == "rendered 12 · reused 0 · failed 1 · 2.5 KB written · 3.0/s")
        snapshot.counters.total = 40
        #expect(snapshot.secondsLeft == 9)
        #expect(
            snapshot.line == "rendered 12 · reused 0 · failed 1 · 2.5 KB written · 13/40 (32%) · 3.0/s · ETA 9.0 s")
        snapshot.label = "once"
        snapshot.recentRate = 0
        #expect(snapshot.line == "once: rendered 12 · reused 0 · failed 1 · 2.5 KB written · 13/40 (32%) · 0.0/s")
    }

    @Test("the summary: counts, time and average rate, after the headline or the label")
    func summary() throws {
        var counters = ProgressCounters(["listed", "enqueued"], completed: ["enqueued"], total: 300)
        counters.add(300, to: "listed")
        counters.add(300, to: "enqueued")
        let snapshot = ProgressSnapshot(label: "backfill", counters: counters, elapsed: .seconds(150), recentRate: 1)
        #expect(snapshot.secondsLeft == nil)
        #expect(snapshot.line == "backfill: listed 300 · enqueued 300 · 300/300 (100%) · 1.0/s")
        #expect(snapshot.summary() == "backfill: listed 300 · enqueued 300; 300 in 2 min 30 s, 2.0/s")
        #expect(
            snapshot.summary(headline: "s3://photos/")
                == "s3://photos/: listed 300 · enqueued 300; 300 in 2 min 30 s, 2.0/s")
        let json = try JSONDecoder().decode(ProgressSnapshot.Summary.self, from: Data(snapshot.json.utf8))
        #expect(
            json
                == ProgressSnapshot.Summary(
                    label: "backfill", counters: ["listed": 300, "enqueued": 300], completed: 300, total: 300,
                    bytes: nil, seconds: 150, rate: 2))
        #expect(!snapshot.json.contains("\n"))
    }

    @Test("bytes, seconds and rates as a person reads them")
    func quantities() {
        #expect(ProgressFormat.bytes(1023) == "1023 B")
        #expect(ProgressFormat.bytes(1536) == "1.5 KB")
        #expect(ProgressFormat.bytes(5 * 1_048_576) == "5.0 MB")
        #expect(ProgressFormat.bytes(3 * 1_073_741_824) == "3.0 GB")
        #expect(ProgressFormat.seconds(0.42) == "0.4 s")
        #expect(ProgressFormat.seconds(42.4) == "42 s")
        #expect(ProgressFormat.seconds(185) == "3 min 05 s")
        #expect(ProgressFormat.seconds(7380) == "2 h 03 min")
        #expect(ProgressFormat.rate(3.456) == "3.5/s")
        #expect(ProgressFormat.rate(123.4) == "123/s")
    }
}
