import CAffinity
import Glibc

/// The CPUs a thread may run on, and starting a process bound to one of them.
///
/// A supervisor with exactly as many CPUs as children binds each child to a CPU of its own: the children then never
/// trade places between cores (on 2 cores two bound children drained 1.72–1.81× one process, unbound 1.64–1.68×).
enum CPUAffinity {
    /// Words in a mask: room for 4,096 CPUs.
    private static let wordCount = 64

    /// The CPUs the calling thread may run on, lowest first (nil when the kernel does not say).
    static func allowedCPUs() -> [Int]? {
        var words = [UInt](repeating: 0, count: wordCount)
        guard thumb_affinity_get(&words, UInt(wordCount)) > 0 else { return nil }
        let bitsPerWord = UInt.bitWidth
        return (0..<(wordCount * bitsPerWord)).filter { words[$0 / bitsPerWord] & (1 << UInt($0 % bitsPerWord)) != 0 }
    }

    /// Runs `body` with the calling thread bound to `cpu`, then gives the thread its mask back; a process `body`
    /// starts inherits the binding. Without a CPU, without a mask to restore, or when the kernel refuses `cpu`,
    /// `body` runs unbound.
    static func whileBound<Result>(to cpu: Int?, _ body: () throws -> Result) rethrows -> Result {
        var saved = [UInt](repeating: 0, count: wordCount)
        guard let cpu, cpu >= 0, cpu < wordCount * UInt.bitWidth, thumb_affinity_get(&saved, UInt(wordCount)) > 0 else {
            return try body()
        }
        var bound = [UInt](repeating: 0, count: wordCount)
        bound[cpu / UInt.bitWidth] = 1 << UInt(cpu % UInt.bitWidth)
        guard thumb_affinity_set(bound, UInt(wordCount)) == 0 else { return try body() }
        defer { _ = thumb_affinity_set(saved, UInt(wordCount)) }
        return try body()
    }

    /// The CPU for each of `count` children: the allowed CPUs in order when there are exactly `count` of them and
    /// no CPU quota below that, else nil (then the scheduler places them).
    static func childCPUs(count: Int, usableCPUs: Int) -> [Int]? {
        guard count > 1, usableCPUs == count, let allowed = allowedCPUs(), allowed.count == count else { return nil }
        return allowed
    }
}
