import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Imaging

@Suite("The imaging pool bounds CPU work")
struct ImagingPoolTests {
    @Test("a pool of two runs two jobs at once, never three, and every job finishes")
    func bounded() async throws {
        let pool = ImagingPool(threadCount: 2)
        defer { pool.shutdown() }
        let running = Concurrency()
        let landscape = try Testdata.bytes("landscape.jpg")
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await pool.run { () throws(ImagingError) -> Int in
                        // Until two jobs have run side by side, a job waits for a partner, holding its thread.
                        running.enterWaitingForPartner(seconds: 60)
                        defer { running.leave() }
                        let spec = RenditionSpec(name: "t", width: 50 + index)
                        return try Thumbnailer().render(landscape, renditions: [spec]).renditions[0].width
                    }.get()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(50..<62))
        let (most, partnerFound) = running.summary
        #expect(partnerFound, "no two jobs ever ran at once")
        #expect(most == 2, "jobs running at once, at most")
    }

    @Test("a pool thread's name is what the kernel shows for it (top -H, gdb, /proc): no longer than 15 characters")
    func threadNameIsShown() async throws {
        let pool = ImagingPool(threadCount: 1)
        defer { pool.shutdown() }
        let shown = try await pool.run { () throws(ImagingError) -> String in
            (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        }.get()
        #expect(shown == "tw-imaging-0\n")
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

    @Test(
        "a cancelled wait ends at once with abandoned: the running job is left to finish, a queued one never runs",
        .timeLimit(.minutes(1)))
    func cancellationAbandonsTheWait() async {
        let pool = ImagingPool(threadCount: 1)
        defer { pool.shutdown() }
        let release = DispatchSemaphore(value: 0)
        let (started, holding) = AsyncStream.makeStream(of: Void.self)
        let queuedRan = Mutex(false)
        let running = Task {
            await pool.run {
                holding.yield()
                _ = release.wait(timeout: .now() + 60)
            }
        }
        for await _ in started { break }
        let queued = Task { await pool.run { queuedRan.withLock { $0 = true } } }
        running.cancel()
        queued.cancel()
        // Both waits end while the running job still holds the pool's only thread.
        for outcome in [await running.value, await queued.value] {
            guard case .failure(let error) = outcome else {
                Issue.record("a cancelled wait got the job's outcome")
                continue
            }
            #expect(error.code == .abandoned)
            #expect(error.isRetryable)
        }
        release.signal()
        // A job after the abandoned ones runs once the thread is free, and the queued one was skipped.
        #expect(await pool.run { queuedRan.withLock { $0 } } == .success(false))
    }

    @Test(
        "cancelling a stoppable job stops its libvips work at the next tile: the render fails instead of finishing",
        .timeLimit(.minutes(1)))
    func cancellationStopsLibVipsWork() async throws {
        let pool = ImagingPool(threadCount: 1)
        defer { pool.shutdown() }
        let landscape = try Testdata.bytes("landscape.jpg")
        // Enlarged to 16000×10667 pixels: seconds of tile-by-tile resizing and encoding.
        var enlarged = RenditionSpec(name: "huge", width: 16_000)
        enlarged.upscale = true
        let huge = enlarged
        let (started, starting) = AsyncStream.makeStream(of: Void.self)
        let (ended, ending) = AsyncStream.makeStream(of: Result<Int, ImagingError>.self)
        let job = Task {
            await pool.runStoppable { () throws(ImagingError) -> Int in
                starting.yield()
                // Rendered again and again: however late this test's task gets a thread to cancel (other tests may hold
                // the cooperative ones), a render is under way when it does.
                let outcome = Result { () throws(ImagingError) -> Int in
                    var width = 0
                    for _ in 0..<20 {
                        width = try Thumbnailer().render(landscape, renditions: [huge]).renditions[0].width
                    }
                    return width
                }
                ending.yield(outcome)
                return try outcome.get()
            }
        }
        for await _ in started { break }
        job.cancel()
        guard case .failure(let abandoned) = await job.value else {
            Issue.record("the cancelled wait got the job's outcome")
            return
        }
        #expect(abandoned.code == .abandoned)
        // The job itself, still on the pool thread, ends early with libvips' kill instead of its rendition.
        for await outcome in ended {
            guard case .failure(let stopped) = outcome else {
                Issue.record("the stopped render finished")
                break
            }
            #expect(
                stopped.libvipsMessage?.contains("kill") == true || stopped.libvipsMessage?.contains("stopped") == true,
                "\(stopped)")
            break
        }
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

/// Counts jobs running at once and the most seen, and makes the first jobs wait until two run side by side.
private final class Concurrency: @unchecked Sendable {
    private let condition = NSCondition()
    private var now = 0
    private var most = 0
    private var partnerFound = false
    private var gaveUp = false

    /// Counts a job in; until some job has had a partner, waits up to `seconds` for one (once only: after a wait runs
    /// out, the rest do not wait).
    func enterWaitingForPartner(seconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        now += 1
        most = max(most, now)
        if now >= 2 {
            partnerFound = true
            condition.broadcast()
        }
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !partnerFound && !gaveUp {
            if !condition.wait(until: deadline) {
                gaveUp = true
            }
        }
    }

    /// Counts a job out.
    func leave() {
        condition.lock()
        now -= 1
        condition.unlock()
    }

    /// The most jobs seen running at once, and whether two ever did.
    var summary: (most: Int, partnerFound: Bool) {
        condition.lock()
        defer { condition.unlock() }
        return (most, partnerFound)
    }
}
