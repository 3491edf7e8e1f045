import Foundation

/// How this process names itself in notifications.
enum WorkerIdentity {
    /// The host name and process id, e.g. `host/4242`.
    static var current: String {
        "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
    }
}
