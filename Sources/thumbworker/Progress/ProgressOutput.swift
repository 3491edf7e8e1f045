/// Where a progress display writes: lines on standard output and error, the live line on standard error.
struct ProgressOutput: Sendable {
    /// One of the two output streams.
    enum Stream: Sendable, Equatable {
        /// Standard output: results.
        case output
        /// Standard error: progress, problems.
        case error
    }

    /// Whether standard error, where progress shows, is a terminal.
    var isTerminal: Bool
    /// The terminal's width, when known: a live line is cut to it, or `\r` would return only to its last row.
    var columns: Int?
    /// Writes text as it is (lines carry their own newline).
    var write: @Sendable (String, Stream) -> Void

    /// The process's standard output and error.
    static var standard: ProgressOutput {
        ProgressOutput(
            isTerminal: Terminal.standardErrorIsTerminal, columns: Terminal.standardErrorColumns,
            write: Terminal.write)
    }
}
