import Dispatch
import Synchronization
import Testing

@testable import Imaging

@Suite("The imaging pool bounds CPU work")
struct ImagingPoolTests {
    @Test("no more jobs run at once than the pool has threads, and every job finishes")
    func bounded() async throws {
        let pool = ImagingPool(threadCount: 2)
        defer { pool.shutdown() }
        let running = Concurrency()
        let landscape = try testdata("landscape.jpg")
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await pool.run { () throws(ImagingError) -> Int in
                        running.state.withLock {
                            $0.now += 1
                            $0.most = max($0.most, $0.now)
                        }
                        let spec = RenditionSpec(name: "t", width: 50 + index)
                        let result = try Thumbnailer().render(landscape, renditions: [spec])
                        running.state.withLock { $0.now -= 1 }
                        return result.renditions[0].width
                    }.get()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(50..<62))
        #expect(running.state.withLock { $0.most } <= 2)
    }

    @Test("errors thrown on a pool thread reach the caller with their type")
    func errorsPropagate() async throws {
        let pool = ImagingPool(threadCount: 1)
        defer { pool.shutdown() }
        await #expect(throws: ImagingError.self) {
            try await pool.run { () throws(ImagingError) in
                _ = try Thumbnailer().render([], renditions: [RenditionSpec(name: "t", width: 10)])
            }.get()
        }
    }

    @Test("a job submitted after shutdown fails at once with poolShutDown, and may be retried elsewhere")
    func refusesJobsAfterShutdown() async {
        let pool = ImagingPool(threadCount: 2)
        pool.shutdown()
        let ran = Mutex(false)
        let outcome = await pool.run { ran.withLock { $0 = true } }
        guard case .failure(let error) = outcome else {
            Issue.record("the job ran after shutdown")
            return
        }
        #expect(error.code == .poolShutDown)
        #expect(error.message.contains("shut down"))
        #expect(error.isRetryable)
        #expect(!ran.withLock { $0 })
    }

    @Test("jobs still queued when the pool shuts down run before its threads exit")
    func queuedJobsRunAfterShutdown() {
        let pool = ImagingPool(threadCount: 1)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        // The first job holds the only thread, so the next two are certainly waiting in the queue at shutdown.
        #expect(pool.enqueue { _ = release.wait(timeout: .now() + 60) })
        #expect(pool.enqueue { finished.signal() })
        #expect(pool.enqueue { finished.signal() })
        pool.shutdown()
        #expect(!pool.enqueue { finished.signal() })
        release.signal()
        for _ in 0..<2 {
            #expect(finished.wait(timeout: .now() + 60) == .success)
        }
    }
}

/// Counts jobs running at once and the most seen.
private final class Concurrency: Sendable {
    let state = Mutex((now: 0, most: 0))
}
