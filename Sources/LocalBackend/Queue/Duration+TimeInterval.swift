import Foundation
import WorkerCore

extension Duration {
    /// The duration in seconds, as Foundation and SQLite count time.
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
