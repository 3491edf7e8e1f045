import Foundation

extension String {
    /// The text trimmed, quoted on one line and cut to 60 characters, for quoting untrusted input in error messages.
    package var excerpt: String {
        let line = String(trimmingCharacters(in: .whitespacesAndNewlines).map { $0.isNewline ? " " : $0 })
        return line.count <= 60 ? "'\(line)'" : "'\(line.prefix(60))…'"
    }
}
