/// Completed items per second over a sliding window of recent samples; since the start until the window is full.
struct ProgressRate: Sendable {
    /// How far back the rate looks.
    let window: Duration
    private var samples: [Sample] = [Sample(time: .zero, completed: 0)]

    private struct Sample: Sendable {
        var time: Duration
        var completed: Int
    }

    /// A rate over the last `window` of samples.
    init(window: Duration = .seconds(10)) {
        self.window = window
    }

    /// Records that `completed` items were done at `time` since the start.
    ///
    /// Samples closer together than a hundredth of the window replace each other, so the list stays short however
    /// often it is called.
    mutating func record(_ completed: Int, at time: Duration) {
        if samples.count > 1, let last = samples.last, time - samples[samples.count - 2].time < window / 100 {
            samples[samples.count - 1] = Sample(time: max(time, last.time), completed: completed)
        } else {
            samples.append(Sample(time: time, completed: completed))
        }
        // Keep the newest sample at or before the window's start, so the rate spans the whole window.
        let start = time - window
        if let keep = samples.lastIndex(where: { $0.time <= start }), keep > 0 {
            samples.removeFirst(keep)
        }
    }

    /// Items per second between the oldest sample kept and the newest; nil before any time has passed.
    var perSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.time > first.time else { return nil }
        return Double(last.completed - first.completed) / ((last.time - first.time) / .seconds(1))
    }
}
