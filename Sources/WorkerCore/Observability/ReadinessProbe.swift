/// Answers "is the worker ready?" from a check that runs at most once per interval, however often it is asked.
package actor ReadinessProbe {
    private let check: @Sendable () async -> Bool
    private let interval: Duration
    private var checkedAt: ContinuousClock.Instant?
    private var ready = false

    /// Creates a probe over `check` (e.g. "the queue answered a depth request"), run at most once per `interval`.
    package init(interval: Duration = .seconds(5), check: @escaping @Sendable () async -> Bool) {
        self.interval = interval
        self.check = check
    }

    /// The latest answer, checking again when the last check is older than the interval.
    ///
    /// A request arriving while a check runs gets the previous answer (not ready before the first check ends).
    package func isReady() async -> Bool {
        let now = ContinuousClock.now
        if let checkedAt, now - checkedAt < interval {
            return ready
        }
        checkedAt = now
        ready = await check()
        return ready
    }
}
