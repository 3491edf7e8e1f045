import Foundation

/// Writing lines to standard output and error, and what a terminal on standard error is like.
enum Terminal {
    /// Writes a line to standard output.
    static func standardOutput(_ line: String) {
        write(line + "\n", to: .output)
    }

    /// Writes a line to standard error.
    static func standardError(_ line: String) {
        write(line + "\n", to: .error)
    }

    /// Writes text as it is, unbuffered, so what goes to both streams keeps its order on a shared terminal.
    static func write(_ text: String, to stream: ProgressOutput.Stream) {
        let handle = stream == .output ? FileHandle.standardOutput : FileHandle.standardError
        handle.write(Data(text.utf8))
    }

    /// Whether standard error is a terminal (not a pipe or file).
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The width of the terminal on standard error, when it says (a pseudo-terminal may answer 0).
    static var standardErrorColumns: Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
