import Foundation

/// A fixed set of threads for CPU-bound libvips work, so it never blocks Swift's cooperative thread pool.
///
/// Jobs queue in order; at most `threadCount` run at once. Create one per process and share it.
package final class ImagingPool: @unchecked Sendable {
    /// How many jobs run at once.
    package let threadCount: Int
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var isShutDown = false

    /// Starts `threadCount` threads (default: one per core).
    package init(threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threadCount = max(1, threadCount)
        for index in 0..<self.threadCount {
            let thread = Thread { [self] in workLoop() }
            thread.name = "thumbworker-imaging-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `work` on a pool thread and returns its result to the awaiting task.
    package func run<Result: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<Swift.Result<Result, Failure>, Never>) in
            enqueue {
                continuation.resume(returning: Swift.Result { () throws(Failure) -> Result in try work() })
            }
        }
        return try outcome.get()
    }

    /// Lets the threads finish the queued jobs and exit.
    package func shutdown() {
        condition.lock()
        isShutDown = true
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    private func workLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !isShutDown {
                condition.wait()
            }
            if queue.isEmpty {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            job()
        }
    }
}
