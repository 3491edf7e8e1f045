/// Finds the known name a mistyped one was probably meant to be, for "did you mean" hints in configuration errors.
enum ClosestName {
    /// ` (did you mean 'x'?)` when a known name is one or two edits away, else empty.
    static func suggestion(for unknown: String, among known: [String]) -> String {
        let best = known.map { ($0, editDistance($0, unknown)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= 2 else { return "" }
        return " (did you mean '\(best.0)'?)"
    }

    /// The Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
