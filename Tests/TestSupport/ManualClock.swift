import Foundation
import Synchronization

/// A clock a test moves by hand: `sleep` returns once `advance` reaches its deadline, or throws when cancelled.
package final class ManualClock: Clock {
    /// A point on the manual clock: the time since it was made.
    package struct Instant: InstantProtocol {
        /// Time since the clock was made.
        package var offset: Duration

        /// The instant `duration` later.
        package func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        /// The time from this instant to `other`.
        package func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        /// Whether `lhs` comes before `rhs`.
        package static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }
    }

    private struct Sleeper {
        let id: UUID
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var sleepWatchers: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// A clock at zero until the test advances it.
    package init() {}

    /// The time the test has moved the clock to.
    package var now: Instant { state.withLock { $0.now } }

    /// The clock's resolution: any.
    package var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the time forward and wakes the sleepers whose deadline it reaches.
    package func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            defer { state.sleepers.removeAll { $0.deadline <= now } }
            return state.sleepers.filter { $0.deadline <= now }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Suspends until `advance` reaches `deadline`; throws `CancellationError` when the task is cancelled.
    package func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let watchers = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
                    if Task.isCancelled || deadline <= state.now { return nil }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    defer { state.sleepWatchers = [] }
                    return state.sleepWatchers
                }
                guard let watchers else {
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume()
                    }
                    return
                }
                for watcher in watchers { watcher.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                state.sleepers.firstIndex { $0.id == id }.map { state.sleepers.remove(at: $0) }
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns once some task sleeps on this clock.
    package func waitForSleeper() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let sleeping = state.withLock { state -> Bool in
                if state.sleepers.isEmpty { state.sleepWatchers.append(continuation) }
                return !state.sleepers.isEmpty
            }
            if sleeping { continuation.resume() }
        }
    }
}
