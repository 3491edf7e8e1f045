/// Why a configuration cannot be used: every problem found, each naming its key.
package struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line per problem, e.g. `renditions[0].width: 0 is not between 1 and 16383`.
    package let problems: [String]
    /// Where the configuration came from (a file path, or `flags`).
    package let source: String

    /// Creates an error listing problems found in `source`.
    package init(problems: [String], source: String) {
        self.problems = problems
        self.source = source
    }

    /// A configuration problem is never fixed by retrying.
    package var isRetryable: Bool { false }

    /// The problems as an indented list under one heading.
    package var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "\(source): \(count) in the configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
