import Foundation
import Logging
import ServiceLifecycle

/// A supervised worker's watch on its supervisor: when the supervisor is gone (killed with SIGKILL, or by the OOM
/// killer), this service ends and its group shuts down gracefully, so the orphaned worker drains and exits instead of
/// running on unsupervised.
///
/// It polls `getppid()`, which changes when the parent dies. `PR_SET_PDEATHSIG` would be immediate but fires when
/// the *thread* that spawned the child exits, and the supervisor spawns from pool threads that come and go.
struct ParentWatch: Service, CustomStringConvertible {
    /// The supervisor's process id, as it passed it on.
    let supervisor: pid_t
    /// How often the parent is checked.
    let interval: Duration
    /// Where the watch logs.
    let logger: Logger

    /// A short name for logs and errors.
    var description: String { "ParentWatch" }

    /// Creates a watch on `supervisor`, checked every `interval`.
    init(supervisor: pid_t, interval: Duration = .seconds(1), logger: Logger) {
        self.supervisor = supervisor
        self.interval = interval
        self.logger = logger
    }

    /// Returns when the supervisor is gone (the group then drains), or when the group shuts down.
    func run() async throws {
        while getppid() == supervisor {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
        }
        logger.error(
            "the supervisor has exited; draining and stopping this worker process",
            metadata: ["thumb.supervisor.pid": "\(supervisor)"])
    }
}
