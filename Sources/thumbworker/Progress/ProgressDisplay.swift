import Synchronization

/// Progress a person can follow: named counters updated from any task, shown as a line redrawn in place on a
/// terminal, a plain line every few seconds otherwise, and a summary (text or JSON) at the end.
///
/// A command creates one, runs its work inside `showing` (which ticks the display until the work returns), updates
/// the counters from its tasks, prints its own lines through `print` so they do not tangle with the live line, and
/// ends with `finish`:
///
/// ```swift
/// let progress = ProgressDisplay(
///     counters: ["listed", "current", "enqueued", "failed"], completed: ["current", "enqueued", "failed"],
///     style: .automatic(json: json))
/// try await progress.showing {
///     try await withThrowingTaskGroup(of: Void.self) { group in
///         group.addTask { progress.add(1000, to: "listed"); progress.setTotal(1000) }
///         group.addTask { progress.add(to: "enqueued"); progress.print("enqueued photos/cat.jpg") }
///         try await group.waitForAll()
///     }
/// }
/// let summary = progress.finish(headline: "backfill of s3://photos/")
/// if summary.counters.count("failed") > 0 { throw ExitCode(1) }
/// ```
final class ProgressDisplay: Sendable {
    /// How progress shows.
    enum Style: Sendable, Equatable {
        /// A line redrawn in place about ten times a second; for a terminal.
        case live
        /// A plain line every so often; for a log or a pipe.
        case periodic(every: Duration)
        /// Nothing while it runs; the summary as one JSON object.
        case json
        /// Nothing at all: the command prints its own report.
        case quiet

        /// JSON when asked for, live on a terminal (standard error), else a plain line every `interval`.
        static func automatic(
            json: Bool, output: ProgressOutput = .standard, interval: Duration = .seconds(10)
        ) -> Style {
            json ? .json : output.isTerminal ? .live : .periodic(every: interval)
        }
    }

    private struct State {
        var counters: ProgressCounters
        var rate = ProgressRate()
        /// Whether the live line is on the screen now.
        var showsLine = false
        /// Whether `finish` ran: nothing is drawn after the summary.
        var finished = false
    }

    /// How often the live line is redrawn.
    static let livePeriod = Duration.milliseconds(100)

    private let state: Mutex<State>
    private let label: String?
    private let style: Style
    private let output: ProgressOutput
    private let elapsed: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void

    /// A display of `counters` (in this order), `completed` among them being the work the rate and ETA measure,
    /// with the total when it is known already and a label for counted bytes when the command counts any.
    init<C: Clock<Duration>>(
        label: String? = nil, counters: [String], completed: Set<String>, total: Int? = nil, bytes: String? = nil,
        style: Style, output: ProgressOutput = .standard, clock: C = ContinuousClock()
    ) {
        self.label = label
        self.style = style
        self.output = output
        state = Mutex(State(counters: ProgressCounters(counters, completed: completed, total: total, bytes: bytes)))
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleep = { try await clock.sleep(for: $0) }
    }

    /// Adds `amount` (one by default) to the counter `name`.
    func add(_ amount: Int = 1, to name: String) {
        state.withLock { $0.counters.add(amount, to: name) }
    }

    /// Adds counted bytes.
    func addBytes(_ count: Int) {
        state.withLock { $0.counters.bytes += count }
    }

    /// Sets the total once it is known (e.g. when a listing ends), which brings the percentage and the ETA.
    func setTotal(_ total: Int) {
        state.withLock { $0.counters.total = total }
    }

    /// The count of `name` now.
    func count(_ name: String) -> Int {
        state.withLock { $0.counters.count(name) }
    }

    /// Prints a line of the command's own on `stream`, clearing the live line first and drawing it again after.
    func print(_ line: String, to stream: ProgressOutput.Stream = .output) {
        state.withLock { state in
            clearLine(&state)
            output.write(line + "\n", stream)
            if style == .live { drawLine(&state) }
        }
    }

    /// Runs `body` while the display ticks, and returns what it returns.
    func showing<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Draws the live line now and every tenth of a second, or a plain line every period, until cancelled.
    func run() async {
        let period: Duration
        switch style {
        case .live: period = Self.livePeriod
        case .periodic(let every): period = every
        case .json, .quiet: return
        }
        if style == .live { tick() }
        while true {
            do { try await sleep(period) } catch { return }
            tick()
        }
    }

    /// One tick of `run`: redraws the live line, or prints the plain line.
    func tick() {
        state.withLock { state in
            guard !state.finished else { return }
            switch style {
            case .live:
                drawLine(&state)
            case .periodic:
                output.write(snapshot(&state).line + "\n", .error)
            case .json, .quiet:
                break
            }
        }
    }

    /// Replaces the live line with the summary (prefixed by `headline`, else the label), or prints the summary as
    /// JSON, on `stream`; returns the final counts.
    @discardableResult
    func finish(headline: String? = nil, to stream: ProgressOutput.Stream = .output) -> ProgressSnapshot {
        state.withLock { state in
            clearLine(&state)
            state.finished = true
            let snapshot = snapshot(&state)
            switch style {
            case .live, .periodic: output.write(snapshot.summary(headline: headline) + "\n", stream)
            case .json: output.write(snapshot.json + "\n", stream)
            case .quiet: break
            }
            return snapshot
        }
    }

    private func snapshot(_ state: inout State) -> ProgressSnapshot {
        let now = elapsed()
        state.rate.record(state.counters.completed, at: now)
        return ProgressSnapshot(
            label: label, counters: state.counters, elapsed: now, recentRate: state.rate.perSecond)
    }

    private func drawLine(_ state: inout State) {
        guard !state.finished else { return }
        var line = snapshot(&state).line
        if let columns = output.columns, line.count >= columns {
            line = String(line.prefix(columns - 1))
        }
        output.write("\r\u{1B}[K" + line, .error)
        state.showsLine = true
    }

    private func clearLine(_ state: inout State) {
        guard state.showsLine else { return }
        output.write("\r\u{1B}[K", .error)
        state.showsLine = false
    }
}
