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
            let thread = Thread { [self] in
                // Named from the thread itself, so the kernel gets the name too (what `top -H`, gdb and /proc show);
                // Linux keeps 15 characters of it.
                Thread.current.name = "tw-imaging-\(index)"
                workLoop()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `work` on a pool thread and hands its outcome to the awaiting task; after `shutdown()` nothing runs and
    /// the outcome is a `poolShutDown` failure.
    ///
    /// Cancelling the awaiting task ends the wait at once with an `abandoned` failure: a job not yet started never
    /// runs, and one already running (a decode libvips cannot interrupt) finishes on its thread unwatched, its
    /// outcome dropped. The outcome is a `Result`, so callers that keep their own typed errors map it without a
    /// do/catch. `onCancel` runs after the wait ended that way, e.g. to stop the job's own work.
    package func run<Success: Sendable>(
        onCancel: @escaping @Sendable () -> Void = {},
        _ work: @escaping @Sendable () throws(ImagingError) -> Success
    ) async -> Result<Success, ImagingError> {
        let handoff = Handoff<Success>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Success, ImagingError>, Never>) in
                guard handoff.hold(continuation) else { return }
                let queued = enqueue {
                    guard handoff.isWaited else { return }
                    handoff.deliver(Result { () throws(ImagingError) -> Success in try work() })
                }
                if !queued {
                    handoff.deliver(
                        .failure(
                            ImagingError(
                                .poolShutDown,
                                "the imaging pool was shut down (the process is stopping), so the job did not run; "
                                    + "retry it")))
                }
            }
        } onCancel: {
            handoff.deliver(
                .failure(
                    ImagingError(
                        .abandoned,
                        "the job was abandoned because its task was cancelled (the drain timeout ran out); retry it")))
            onCancel()
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

/// Hands one job's outcome to the task awaiting it exactly once: from the pool thread when the job ends, or from the
/// cancellation handler when the task stops waiting, whichever comes first.
private final class Handoff<Success: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result<Success, ImagingError>, Never>?
    private var early: Result<Success, ImagingError>?
    private var delivered = false

    /// Whether the task still waits for the outcome (false once it was delivered or the task gave up).
    var isWaited: Bool { lock.withLock { !delivered } }

    /// Keeps `continuation` for the outcome; false, with it resumed, when the outcome (a cancellation) came first.
    func hold(_ continuation: CheckedContinuation<Result<Success, ImagingError>, Never>) -> Bool {
        let early = lock.withLock { () -> Result<Success, ImagingError>? in
            guard let early = self.early else {
                self.continuation = continuation
                return nil
            }
            return early
        }
        guard let early else { return true }
        continuation.resume(returning: early)
        return false
    }

    /// Gives `outcome` to the waiting task unless an outcome was already given; later outcomes are dropped.
    func deliver(_ outcome: Result<Success, ImagingError>) {
        let waiting = lock.withLock { () -> CheckedContinuation<Result<Success, ImagingError>, Never>? in
            guard !delivered else { return nil }
            delivered = true
            guard let continuation else {
                early = outcome
                return nil
            }
            self.continuation = nil
            return continuation
        }
        waiting?.resume(returning: outcome)
    }
}
