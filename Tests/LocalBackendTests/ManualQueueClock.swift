import Foundation
import LocalBackend
import Synchronization
import WorkerCore

/// A `QueueClock` a test moves by hand: `sleep` returns once `advance` passes its deadline, or throws when cancelled.
final class ManualQueueClock: QueueClock {
    private struct Sleeper {
        let id: UUID
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var sleepWatchers: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// A clock stopped at `now` until the test advances it.
    init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex(State(now: now))
    }

    /// The time the test has moved the clock to.
    var now: Date { state.withLock { $0.now } }

    /// Moves the time forward and wakes the sleepers whose deadline it reaches.
    func advance(by seconds: TimeInterval) {
        let due = state.withLock { state -> [Sleeper] in
            state.now += seconds
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Suspends until `advance` reaches `now + duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws {
        let id = UUID()
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let watchers = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
                    if Task.isCancelled { return nil }
                    state.sleepers.append(Sleeper(id: id, deadline: state.now + seconds, continuation: continuation))
                    defer { state.sleepWatchers = [] }
                    return state.sleepWatchers
                }
                guard let watchers else {
                    continuation.resume(throwing: CancellationError())
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

    /// Returns once some task sleeps on this clock, e.g. a long poll that found nothing.
    func waitForSleeper() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let sleeping = state.withLock { state -> Bool in
                if state.sleepers.isEmpty { state.sleepWatchers.append(continuation) }
                return !state.sleepers.isEmpty
            }
            if sleeping { continuation.resume() }
        }
    }
}
