import Synchronization

/// Spaces actions out to at most `perSecond` a second (`--max-rate`), across every task that shares it.
package final class Pacer: Sendable {
    private let interval: Duration?
    private let next = Mutex(ContinuousClock.now)

    /// A pacer for `perSecond` actions a second; nil lets every action through at once.
    package init(perSecond: Double?) {
        interval = perSecond.map { .nanoseconds(Int64(1_000_000_000 / $0)) }
    }

    /// Waits for this action's slot; throws `CancellationError` when the task is cancelled while waiting.
    package func wait() async throws {
        guard let interval else { return }
        let slot = next.withLock { next in
            let slot = max(next, ContinuousClock.now)
            next = slot + interval
            return slot
        }
        try await Task.sleep(until: slot, clock: ContinuousClock())
    }
}
