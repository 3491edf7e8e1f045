/// Admits image jobs while their estimated memory fits a budget, so a burst of large progressive JPEGs waits its
/// turn instead of exhausting the machine.
///
/// Waiters are admitted in arrival order. A job larger than the whole budget is admitted alone.
package actor MemoryBudget {
    /// The budget in bytes.
    package let capacity: Int
    private var used = 0
    private var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// A budget of `capacity` bytes.
    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits until `bytes` (capped at the capacity) fit, then reserves them; returns what was reserved.
    package func acquire(_ bytes: Int) async -> Int {
        let reserved = min(max(0, bytes), capacity)
        if waiters.isEmpty && used + reserved <= capacity {
            used += reserved
            return reserved
        }
        await withCheckedContinuation { waiters.append((reserved, $0)) }
        return reserved
    }

    /// Gives back what `acquire` reserved, and admits the waiters that now fit.
    package func release(_ bytes: Int) {
        used -= bytes
        while let next = waiters.first, used + next.bytes <= capacity {
            waiters.removeFirst()
            used += next.bytes
            next.continuation.resume()
        }
    }

    /// Bytes reserved now.
    package var reservedBytes: Int { used }

    /// Requests waiting to be admitted.
    package var waiterCount: Int { waiters.count }
}
