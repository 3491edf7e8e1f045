package import Foundation
import Testing

/// What one fuzz input did.
package enum FuzzOutcome: Sendable, Equatable {
    /// The input was taken: rendered, or parsed.
    case accepted
    /// The input was refused, with the error's code when it has one.
    case refused(code: String?)
    /// The input was handled wrongly: the refusal's message is not one line, for instance.
    case wrong(String)

    /// A refusal, or `wrong` when its message is empty or runs over more than one line.
    package static func refused(code: String?, message: String) -> FuzzOutcome {
        if message.isEmpty { return .wrong("the refusal's message is empty") }
        if message.contains(where: \.isNewline) { return .wrong("the refusal's message is not one line: \(message)") }
        return .refused(code: code)
    }
}

/// One seeded fuzz run: the generator its inputs are made with, and the one-line summary of how they went, with each
/// input's wall time and peak resident memory growth measured and printed, never asserted.
package struct FuzzRun {
    /// What is fuzzed, e.g. `decode gate`; the summary starts with it.
    package let name: String
    /// The seed the whole run derives from; FUZZ_SEED replays it.
    package let seed: UInt64
    /// The generator the run's inputs are made with.
    package var random: FuzzRandom
    /// The word for an accepted input in the summary: `rendered`, `parsed`.
    private let acceptedWord: String
    private var inputs = 0
    private var accepted = 0
    private var wrong = 0
    private var refusals: [String?: Int] = [:]
    private var slowest: (seconds: Double, input: String) = (0, "none")
    private var peakGrowthKilobytes: Int?

    /// A run seeded by FUZZ_SEED (decimal, or hexadecimal after `0x`) when it is set, else by `defaultSeed`.
    package init(_ name: String, accepted acceptedWord: String, defaultSeed: UInt64) throws {
        self.name = name
        self.acceptedWord = acceptedWord
        if let text = ProcessInfo.processInfo.environment["FUZZ_SEED"] {
            let parsed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            seed = try #require(parsed, "FUZZ_SEED=\(text) is not a decimal or 0x-hexadecimal UInt64")
        } else {
            seed = defaultSeed
        }
        random = FuzzRandom(seed: seed)
    }

    /// Where each input is written before it runs and removed by `finish()`: a crash leaves its input here.
    package var lastInputFile: URL {
        FileManager.default.temporaryDirectory.appending(path: "thumbworker-fuzz-\(slug)-last-input")
    }

    /// Runs `check` on input number `index` (described by `label`), tallies its outcome, time and memory, and records
    /// an issue naming the seed and a saved copy of the input when it was handled wrongly.
    @discardableResult
    package mutating func measure(
        _ input: [UInt8], index: Int, label: String, _ check: () -> FuzzOutcome
    ) -> FuzzOutcome {
        try? Data(input).write(to: lastInputFile)
        let residentBefore = ResidentMemory.resettingPeak()
        let start = ContinuousClock.now
        let outcome = check()
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds > slowest.seconds {
            slowest = (seconds, "#\(index), \(label)")
        }
        if let residentBefore, let peak = ResidentMemory.kilobytes("VmHWM") {
            peakGrowthKilobytes = max(peakGrowthKilobytes ?? 0, peak - residentBefore)
        }
        inputs += 1
        switch outcome {
        case .accepted:
            accepted += 1
        case .refused(let code):
            refusals[code, default: 0] += 1
        case .wrong(let problem):
            wrong += 1
            let saved = FileManager.default.temporaryDirectory.appending(
                path: "thumbworker-fuzz-\(slug)-\(seedText)-\(index)")
            try? Data(input).write(to: saved)
            Issue.record("\(problem) (\(describe(index, label)); the input is saved as \(saved.path))")
        }
        return outcome
    }

    /// Input number `index` as a message names it, with the seed that replays it: `decode gate seed 0x2a, input #7:
    /// truncation of photo.gif`.
    package func describe(_ index: Int, _ label: String) -> String {
        "\(name) seed \(seedText), input #\(index): \(label)"
    }

    /// Removes the last input's file and returns the summary line, e.g. `fuzz: decode gate: 300 inputs (seed 0x2a),
    /// 212 refused (corrupt 150, tooManyPixels 62), 88 rendered, 0 wrong, slowest 0.21 s (#7, truncation of photo.gif),
    /// RSS peak +45 MB`.
    package func finish() -> String {
        try? FileManager.default.removeItem(at: lastInputFile)
        let refused = refusals.values.reduce(0, +)
        let codes = refusals.compactMap { code, count in code.map { (code: $0, count: count) } }
            .sorted { ($1.count, $0.code) < ($0.count, $1.code) }
            .map { "\($0.code) \($0.count)" }
        let breakdown = codes.isEmpty ? "" : " (\(codes.joined(separator: ", ")))"
        let memory = peakGrowthKilobytes.map { "RSS peak +\($0 / 1024) MB" } ?? "RSS peak not measured"
        let seconds = String(format: "%.2f", slowest.seconds)
        return "fuzz: \(name): \(inputs) inputs (seed \(seedText)), \(refused) refused\(breakdown), "
            + "\(accepted) \(acceptedWord), \(wrong) wrong, slowest \(seconds) s (\(slowest.input)), \(memory)"
    }

    /// The seed as FUZZ_SEED takes it.
    private var seedText: String { "0x" + String(seed, radix: 16) }

    /// The name in file names: `decode-gate`.
    private var slug: String { name.replacingOccurrences(of: " ", with: "-") }
}

/// The process's resident memory from /proc/self/status; unknown (nil) where there is no /proc, as on macOS.
private enum ResidentMemory {
    /// Resets the peak (VmHWM) to the current resident size, which it returns, in kilobytes.
    static func resettingPeak() -> Int? {
        // "5" resets the peak resident set size (proc(5), /proc/pid/clear_refs, Linux 4.0 and later).
        guard (try? Data("5".utf8).write(to: URL(filePath: "/proc/self/clear_refs"))) != nil else { return nil }
        return kilobytes("VmRSS")
    }

    /// A `kB` field of /proc/self/status, e.g. `VmRSS`.
    static func kilobytes(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line?.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) }
    }
}
