import Foundation
import TestSupport
import Testing

@testable import thumbworker

/// What a display wrote, in order, to which stream.
private final class CapturedOutput: Sendable {
    private let writes = Locked<[(text: String, stream: ProgressOutput.Stream)]>([])

    /// An output that records instead of writing, as if standard error were (or were not) a terminal.
    func output(isTerminal: Bool, columns: Int? = nil) -> ProgressOutput {
        ProgressOutput(isTerminal: isTerminal, columns: columns) { text, stream in
            self.writes.withLock { $0.append((text, stream)) }
        }
    }

    /// Everything written to `stream`, joined.
    func text(_ stream: ProgressOutput.Stream) -> String {
        writes.value.filter { $0.stream == stream }.map(\.text).joined()
    }

    /// Every write to either stream, in order.
    var all: [String] { writes.value.map(\.text) }
}

@Suite("progress display: live on a terminal, periodic otherwise, a summary at the end")
struct ProgressDisplayTests {
    private static let counters = ["rendered", "failed"]

    @Test("the style follows --json and whether standard error is a terminal")
    func automaticStyle() {
        let captured = CapturedOutput()
        let terminal = captured.output(isTerminal: true)
        let pipe = captured.output(isTerminal: false)
        #expect(ProgressDisplay.Style.automatic(json: false, output: terminal) == .live)
        #expect(ProgressDisplay.Style.automatic(json: false, output: pipe) == .periodic(every: .seconds(10)))
        #expect(ProgressDisplay.Style.automatic(json: true, output: terminal) == .json)
        #expect(
            ProgressDisplay.Style.automatic(json: false, output: pipe, interval: .seconds(2))
                == .periodic(every: .seconds(2)))
    }

    @Test("live: the line is redrawn in place, cleared around the command's own lines, and replaced by the summary")
    func live() {
        let captured = CapturedOutput()
        let clock = ManualClock()
        let progress = ProgressDisplay(
            counters: Self.counters, completed: Set(Self.counters), total: 4, style: .live,
            output: captured.output(isTerminal: true), clock: clock)
        progress.tick()
        #expect(captured.all == ["\r\u{1B}[Krendered 0 · failed 0 · 0/4 (0%)"])
        clock.advance(by: .seconds(1))
        progress.add(to: "rendered")
        progress.print("a.jpg → out/a.jpg.jpeg")
        #expect(
            Array(captured.all.dropFirst())
                == [
                    "\r\u{1B}[K", "a.jpg → out/a.jpg.jpeg\n",
                    "\r\u{1B}[Krendered 1 · failed 0 · 1/4 (25%) · 1.0/s · ETA 3.0 s",
                ])
        clock.advance(by: .seconds(1))
        progress.add(to: "failed")
        progress.print("thumbworker: b.jpg: corrupt", to: .error)
        #expect(
            captured.text(.error).hasSuffix(
                "\r\u{1B}[K" + "thumbworker: b.jpg: corrupt\n"
                    + "\r\u{1B}[Krendered 1 · failed 1 · 2/4 (50%) · 1.0/s · ETA 2.0 s"))
        progress.add(2, to: "rendered")
        let summary = progress.finish(headline: "4 of 4")
        #expect(summary.counters.count("rendered") == 3)
        #expect(captured.all.suffix(2) == ["\r\u{1B}[K", "4 of 4: rendered 3 · failed 1; 4 in 2.0 s, 2.0/s\n"])
        // After the summary nothing is drawn again.
        progress.tick()
        #expect(captured.all.last == "4 of 4: rendered 3 · failed 1; 4 in 2.0 s, 2.0/s\n")
    }

    @Test("live: a line wider than the terminal is cut, so the carriage return goes back to its start")
    func narrowTerminal() {
        let captured = CapturedOutput()
        let progress = ProgressDisplay(
            counters: Self.counters, completed: Set(Self.counters), style: .live,
            output: captured.output(isTerminal: true, columns: 12), clock: ManualClock())
        progress.tick()
        #expect(captured.all == ["\r\u{1B}[Krendered 0 "])
    }

    @Test("periodic: run prints a plain line each period, no carriage returns, until cancelled; then the summary")
    func periodic() async {
        let captured = CapturedOutput()
        let clock = ManualClock()
        let progress = ProgressDisplay(
            label: "backfill", counters: ["listed", "enqueued"], completed: ["enqueued"],
            style: .periodic(every: .seconds(10)), output: captured.output(isTerminal: false), clock: clock)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await progress.run() }
            await clock.waitForSleeper()
            #expect(captured.all.isEmpty, "nothing before the first period")
            progress.add(500, to: "listed")
            progress.add(100, to: "enqueued")
            clock.advance(by: .seconds(10))
            await clock.waitForSleeper()
            #expect(captured.all == ["backfill: listed 500 · enqueued 100 · 10/s\n"])
            progress.setTotal(500)
            progress.add(100, to: "enqueued")
            clock.advance(by: .seconds(10))
            await clock.waitForSleeper()
            #expect(captured.all.last == "backfill: listed 500 · enqueued 200 · 200/500 (40%) · 10/s · ETA 30 s\n")
            group.cancelAll()
        }
        progress.finish()
        #expect(captured.all.count == 3)
        #expect(captured.text(.output) == "backfill: listed 500 · enqueued 200; 200 in 20 s, 10/s\n")
        #expect(!captured.all.joined().contains("\r"))
    }

    @Test("json: nothing while it runs, the summary as one JSON object on the chosen stream")
    func json() async throws {
        let captured = CapturedOutput()
        let clock = ManualClock()
        let progress = ProgressDisplay(
            counters: ["images"], completed: ["images"], bytes: "read", style: .json,
            output: captured.output(isTerminal: true), clock: clock)
        await progress.showing {
            progress.add(6, to: "images")
            progress.addBytes(2048)
            progress.tick()
        }
        #expect(captured.all.isEmpty)
        clock.advance(by: .seconds(3))
        progress.finish(to: .error)
        let summary = try JSONDecoder().decode(
            ProgressSnapshot.Summary.self, from: Data(captured.text(.error).utf8))
        #expect(summary == .init(counters: ["images": 6], completed: 6, bytes: 2048, seconds: 3, rate: 2))
        #expect(captured.text(.output).isEmpty)
    }

    @Test("quiet: counts, prints nothing")
    func quiet() {
        let captured = CapturedOutput()
        let progress = ProgressDisplay(
            counters: ["images"], completed: ["images"], style: .quiet, output: captured.output(isTerminal: true),
            clock: ManualClock())
        progress.add(to: "images")
        progress.tick()
        #expect(progress.finish().counters.completed == 1)
        #expect(captured.all.isEmpty)
    }

    @Test("updates from many tasks at once all count")
    func concurrentUpdates() async {
        let progress = ProgressDisplay(
            counters: ["images"], completed: ["images"], style: .quiet,
            output: CapturedOutput().output(isTerminal: false),
            clock: ManualClock())
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask { for _ in 0..<100 { progress.add(to: "images") } }
            }
        }
        #expect(progress.count("images") == 10_000)
    }
}
