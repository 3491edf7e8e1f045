/// A `--match` glob over object keys: `*` is any run of characters (`/` included), `?` one character, anything else
/// itself.
package struct KeyPattern: Sendable, Hashable, CustomStringConvertible {
    /// The glob as given.
    package let description: String
    private let pattern: [Character]

    /// Creates the pattern.
    package init(_ glob: String) {
        description = glob
        pattern = Array(glob)
    }

    /// Whether the whole key matches.
    package func matches(_ key: String) -> Bool {
        let text = Array(key)
        // The classic greedy match with one backtrack point: the last `*` seen and where it started matching.
        var (p, t) = (0, 0)
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) && pattern[p] != "*" {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = (p, t)
                p += 1
            } else if let last = star {
                p = last.pattern + 1
                t = last.text + 1
                star = (last.pattern, last.text + 1)
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
