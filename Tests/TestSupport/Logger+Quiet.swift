package import Logging

extension Logger {
    /// A logger that drops everything, for code under test whose log lines no test reads.
    package static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
}
