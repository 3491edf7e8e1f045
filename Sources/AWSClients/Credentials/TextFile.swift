import Foundation

/// Reads the small text files credentials come from (shared profile files, web identity and container token files).
enum TextFile {
    /// The file's UTF-8 text, or nil when nothing exists at `path`; an unreadable file is an `invalidConfiguration` error.
    static func contents(of path: String) throws(AWSError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            throw AWSError(
                .invalidConfiguration, "cannot read \(path) (\(error.localizedDescription))", retryable: false,
                cause: error)
        }
    }

    /// The trimmed token in the file at `path`, which `variable` named; an `invalidConfiguration` error when the file is
    /// missing or empty.
    static func token(at path: String, namedBy variable: String) throws(AWSError) -> String {
        guard let token = try contents(of: path)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw AWSError(.invalidConfiguration, "\(variable) \(path) is missing or empty", retryable: false)
        }
        return token
    }
}
