import Synchronization

/// A value tests wait on: every change wakes the waiters whose condition now holds, so a test waits for an event
/// itself instead of polling on a timer.
final class Watched<Value: Sendable>: Sendable {
    private struct Waiter {
        let condition: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private let state: Mutex<(value: Value, waiters: [Waiter])>

    /// Starts at `value`.
    init(_ value: Value) {
        state = Mutex((value, []))
    }

    /// The value now.
    var value: Value { state.withLock { $0.value } }

    /// Changes the value, then wakes the waiters whose condition holds.
    func update(_ change: (inout Value) -> Void) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state.value)
            let value = state.value
            let (ready, waiting) = (
                state.waiters.filter { $0.condition(value) }, state.waiters.filter { !$0.condition(value) }
            )
            state.waiters = waiting
            return ready.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once `condition` holds (at once if it does now).
    func wait(until condition: @escaping @Sendable (Value) -> Bool) async {
        await withCheckedContinuation { continuation in
            let holds = state.withLock { state -> Bool in
                guard !condition(state.value) else { return true }
                state.waiters.append(Waiter(condition: condition, continuation: continuation))
                return false
            }
            if holds { continuation.resume() }
        }
    }
}
