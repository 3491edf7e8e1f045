/// Why a backfill stopped or could not start, and what to do.
package struct BackfillError: Error, Sendable, CustomStringConvertible {
    /// The machine-readable kind of failure.
    package enum Code: String, Sendable, Hashable {
        /// The options contradict each other or the configuration (e.g. a bucket the fleet would skip).
        case invalidOptions
        /// The checkpoint file cannot be read or written, or belongs to another backfill.
        case checkpointUnusable
        /// Listing, checking, enqueueing or deleting failed after retries; `--resume` continues from the last page done.
        case interrupted
    }

    /// What went wrong.
    package var code: Code
    /// What happened and what to do, for a person.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `backfill (code): message`.
    package var description: String { "backfill (\(code.rawValue)): \(message)" }
}
