import Foundation
import Imaging

/// The facts a benchmark result needs next to it: libvips version, cores, processor model, memory peak.
struct MachineDescription {
    /// The libvips version.
    var libvips: String
    /// Cores available to this process.
    var cores: Int
    /// The processor model from /proc/cpuinfo.
    var cpu: String

    /// This machine.
    static var current: MachineDescription {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown processor"
        return MachineDescription(
            libvips: Thumbnailer.libvipsVersion,
            cores: ProcessInfo.processInfo.activeProcessorCount, cpu: model)
    }

    /// The peak resident set size of this process so far, in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
