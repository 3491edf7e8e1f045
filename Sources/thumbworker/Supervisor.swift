import Foundation
import Logging
import ServiceLifecycle

/// `run --processes N`: N worker processes on the same queue under one supervisor, the fastest use of a host
/// (one process per core beats threads).
///
/// A child that exits unexpectedly is started again after a backoff; more than `RestartBudget.limit` restarts within
/// its window and the supervisor gives up: it stops the others and fails. SIGTERM and SIGINT are passed on to every
/// child, which drains as a lone worker would; the supervisor ends when all have exited.
struct Supervisor: Service, CustomStringConvertible {
    /// How each child is started.
    let launch: ChildLaunch
    /// With `--exit-when-idle`, a child that exits 0 is done, not restarted.
    let stopsWhenIdle: Bool
    /// The children under way.
    let children = ChildTable()
    /// Where the supervisor logs.
    let logger: Logger

    /// A short name for logs and errors.
    var description: String { "Supervisor" }

    /// Starts every child and watches them until all have exited; throws when one could not be kept running, or one
    /// exited with a failure while stopping.
    func run() async throws {
        let budget = RestartBudget()
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in launch.ports.indices {
                    group.addTask { try await supervise(index, budget: budget) }
                }
                var failure: (any Error)?
                while let result = await group.nextResult() {
                    if case .failure(let error) = result, failure == nil {
                        failure = error
                        children.stopAll()
                    }
                }
                if let failure { throw failure }
            }
        } onGracefulShutdown: {
            children.stopAll()
        }
        logger.info("every worker process has exited")
    }

    /// Keeps child `index` running until the supervisor stops (or, when idle stops it, until it is done).
    private func supervise(_ index: Int, budget: RestartBudget) async throws {
        var restarts = 0
        while true {
            let status = try await children.run(index, launch: launch)
            if children.isStopping || (stopsWhenIdle && status == 0) {
                guard status == 0 else {
                    throw SupervisorError("worker process \(index) exited with status \(status) while stopping")
                }
                return
            }
            if status == 2 {
                // Restarting cannot help a process that refused its configuration or could not reach its resources.
                throw SupervisorError("worker process \(index) could not start (exit status 2): see its error above")
            }
            if stopsWhenIdle && status == 1 {
                throw SupervisorError("worker process \(index) exited 1: the queue was not drained (see its log)")
            }
            guard budget.allowsRestart(at: .now) else {
                throw SupervisorError(
                    "worker process \(index) exited with status \(status); more than \(RestartBudget.limit) restarts "
                        + "within \(RestartBudget.window) s, so the supervisor gives up: see the processes' log above")
            }
            restarts += 1
            let pause = Duration.seconds(min(30, 1 << min(restarts - 1, 5)))
            logger.error(
                "a worker process exited unexpectedly; starting it again",
                metadata: [
                    "thumb.process": "\(index)", "thumb.exit.status": "\(status)",
                    "thumb.restart.seconds": "\(pause.components.seconds)",
                ])
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            if children.isStopping { return }
        }
    }
}

/// How the supervisor starts its children: the same binary, `run` with the supervisor's own options, one metrics
/// port each on loopback, and an equal share of the host.
struct ChildLaunch: Sendable {
    /// The executable (this process's own).
    let executable: URL
    /// The arguments after the executable: `run` and the options passed on.
    let arguments: [String]
    /// The environment every child shares.
    let environment: [String: String]
    /// Each child's metrics port on 127.0.0.1, by child index.
    let ports: [Int]
    /// The CPU each child is bound to, by child index, or nil to let the scheduler place them.
    var cpus: [Int]? = nil

    /// Child `index`'s environment: the shared one and its metrics port.
    func environment(of index: Int) -> [String: String] {
        environment.merging(["THUMBWORKER_METRICS_HOST": "127.0.0.1", "THUMBWORKER_METRICS_PORT": "\(ports[index])"]) {
            $1
        }
    }
}

/// The running children, so a signal reaches every one, including one started while stopping began.
final class ChildTable: @unchecked Sendable {
    private let lock = NSLock()
    private var running: [Int: Process] = [:]
    private var stopping = false

    /// Whether the supervisor is stopping: children exiting now are not restarted.
    var isStopping: Bool { lock.withLock { stopping } }

    /// Starts child `index` and waits for it to exit; its exit status (128 + the signal when killed by one).
    func run(_ index: Int, launch: ChildLaunch) async throws -> Int32 {
        let process = Process()
        process.executableURL = launch.executable
        process.arguments = launch.arguments
        process.environment = launch.environment(of: index)
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { process in
            let status = process.terminationStatus
            exited.yield(process.terminationReason == .uncaughtSignal ? 128 + status : status)
            exited.finish()
        }
        try CPUAffinity.whileBound(to: launch.cpus?[index]) { try process.run() }
        let stopNow = lock.withLock { () -> Bool in
            running[index] = process
            return stopping
        }
        if stopNow { kill(process.processIdentifier, SIGTERM) }
        var status: Int32 = 1
        for await exitStatus in exits { status = exitStatus }
        lock.withLock { _ = running.removeValue(forKey: index) }
        return status
    }

    /// Begins stopping: every running child gets SIGTERM and drains.
    func stopAll() {
        let processes = lock.withLock { () -> [Process] in
            stopping = true
            return Array(running.values)
        }
        for process in processes { kill(process.processIdentifier, SIGTERM) }
    }
}

/// A bounded restart rate: at most `limit` restarts within `window` seconds, over all children.
final class RestartBudget: @unchecked Sendable {
    /// Restarts allowed within the window.
    static let limit = 5
    /// The window, in seconds.
    static let window = 60
    private let lock = NSLock()
    private var restarts: [ContinuousClock.Instant] = []

    /// Whether one more restart at `now` stays within the budget; counts it when it does.
    func allowsRestart(at now: ContinuousClock.Instant) -> Bool {
        lock.withLock {
            restarts.removeAll { now - $0 > .seconds(Self.window) }
            guard restarts.count < Self.limit else { return false }
            restarts.append(now)
            return true
        }
    }
}

/// Why the supervisor stopped with a failure.
struct SupervisorError: Error, CustomStringConvertible {
    /// What happened and where to look.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
