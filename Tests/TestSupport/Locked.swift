import Synchronization

/// A value shared between tasks and closures behind a mutex.
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// Starts with `value`.
    package init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// The current value.
    package var value: Value { mutex.withLock { $0 } }

    /// Changes the value and returns what `body` returns.
    package func withLock<Result: Sendable>(_ body: (inout sending Value) -> sending Result) -> Result {
        mutex.withLock(body)
    }
}
