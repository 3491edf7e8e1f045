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

    /// Runs `work` on a pool thread and hands its outcome to the awaiting task; after `shutdown()` nothing runs and
    /// the outcome is a `poolShutDown` failure.
    ///
    /// The outcome is a `Result`, so callers that keep their own typed errors map it without a do/catch.
    package func run<Success: Sendable>(
        _ work: @escaping @Sendable () throws(ImagingError) -> Success
    ) async -> Result<Success, ImagingError> {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<Success, ImagingError>, Never>) in
            let queued = enqueue {
                continuation.resume(returning: Result { () throws(ImagingError) -> Success in try work() })
            }
            if !queued {
                continuation.resume(
                    returning: .failure(
                        ImagingError(
                            .poolShutDown,
                            "the imaging pool was shut down (the process is stopping), so the job did not run; retry it"
                        )
                    ))
            }
        }
    }

    /// Lets the threads finish the jobs already queued and exit; jobs submitted afterwards are refused.
    package func shutdown() {
        condition.lock()
        isShutDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a job for a pool thread; false, with the job dropped unrun, once the pool is shut down.
    func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isShutDown else { return false }
        queue.append(job)
        condition.signal()
        return true
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
