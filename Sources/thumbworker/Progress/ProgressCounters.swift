/// Named counts in a fixed display order, the subset of them that is completed work, the total once known, and
/// bytes when the command counts them.
struct ProgressCounters: Sendable, Equatable {
    /// The counters' names, in display order.
    let names: [String]
    /// The counters whose sum is the completed work, which the rate and the ETA measure.
    let completedNames: Set<String>
    /// What the bytes are (`written`, `listed`); nil when the command counts none.
    let bytesLabel: String?
    /// How many items there are in all, once known.
    var total: Int?
    /// Bytes counted so far.
    var bytes = 0
    private var counts: [Int]

    /// Counters at zero; `completed` must be among `names`.
    init(_ names: [String], completed: Set<String>, total: Int? = nil, bytes label: String? = nil) {
        precondition(completed.isSubset(of: names), "completed counters \(completed) are not all in \(names)")
        self.names = names
        self.completedNames = completed
        self.total = total
        self.bytesLabel = label
        counts = Array(repeating: 0, count: names.count)
    }

    /// Adds `amount` to the counter `name` (a name not given at the start is a programming error).
    mutating func add(_ amount: Int, to name: String) {
        counts[index(of: name)] += amount
    }

    /// The count of `name`.
    func count(_ name: String) -> Int {
        counts[index(of: name)]
    }

    /// The sum of the completed-work counters.
    var completed: Int {
        zip(names, counts).reduce(0) { sum, pair in completedNames.contains(pair.0) ? sum + pair.1 : sum }
    }

    /// Every counter with its count, in display order.
    var entries: [(name: String, count: Int)] {
        zip(names, counts).map { (name: $0, count: $1) }
    }

    private func index(of name: String) -> Int {
        guard let index = names.firstIndex(of: name) else { preconditionFailure("no progress counter \(name)") }
        return index
    }
}
