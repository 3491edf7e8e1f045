import ArgumentParser
import Foundation
import Imaging
import WorkerCore

/// `thumbworker bench`: resize throughput of the real imaging pipeline, inputs held in memory.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how many images per second the pipeline renders.",
        discussion:
            "Inputs are read into memory first; each is rendered once to warm up (once per strategy), then the run is "
            + "timed. With --strategy both the two strategies alternate, a pass over every input each, and the ratio "
            + "is the median of the rounds'."
    )

    @Argument(help: "Image files, or folders searched recursively for images.")
    var inputs: [String]

    @Option(
        name: .long,
        help: "Render every input this many times (instead of --duration); with --strategy both, alternated rounds.")
    var rounds: Int?

    @Option(name: .long, help: "Seconds to run (with --strategy both, each strategy).")
    var duration: Double = 10

    @Option(
        name: .long,
        help: ArgumentHelp(
            "once (decode once for all renditions) | per-rendition (decode for each) | both (alternated, a pass over "
                + "the inputs each, and the median ratio of the rounds)."))
    var strategy: StrategyChoice = .once

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @OptionGroup var renditionOptions: RenditionOptions

    /// Which decode strategies to measure.
    enum StrategyChoice: String, ExpressibleByArgument, CaseIterable {
        case once
        case perRendition = "per-rendition"
        case both

        /// The strategies measured, in the order reported.
        var strategies: [Thumbnailer.DecodeStrategy] {
            switch self {
            case .once: [.decodeOnce]
            case .perRendition: [.decodePerRendition]
            case .both: [.decodeOnce, .decodePerRendition]
            }
        }
    }

    func run() async throws {
        let configuration: WorkerConfiguration
        do {
            configuration = try renditionOptions.loadConfiguration(writesOutputs: false)
        } catch {
            Terminal.standardError("thumbworker: \(error)")
            throw ExitCode(2)
        }
        let loaded = try BenchInputs.load(inputs)
        guard !loaded.isEmpty else {
            Terminal.standardError("thumbworker: no images found in \(inputs.joined(separator: " "))")
            throw ExitCode(2)
        }
        let benchmark = ThroughputBenchmark(
            renditions: configuration.renditions, settings: configuration.imaging,
            concurrency: configuration.effectiveConcurrency)
        let length: ThroughputBenchmark.Length = rounds.map { .rounds(max(1, $0)) } ?? .seconds(duration)
        // Alternated strategies count their renders apart.
        let counters = ["warm-up"] + (strategy == .both ? strategy.strategies.map(\.rawValue) : ["images"])
        // The warm-up renders count too, so the ETA covers the whole run; with --json the report below is the
        // machine-readable summary, so the display stays quiet.
        let progress = ProgressDisplay(
            label: strategy.rawValue, counters: counters, completed: Set(counters),
            total: rounds.map { rounds in
                let passes = strategy == .both ? benchmark.roundsPerPass(inputCount: loaded.count) : 1
                return (1 + max(1, rounds) * passes) * loaded.count * strategy.strategies.count
            },
            style: json ? .quiet : .automatic(json: false))
        let reports: [ThroughputBenchmark.Report]
        var comparison: ThroughputBenchmark.Comparison?
        do {
            reports = try await progress.showing {
                guard strategy == .both else {
                    let strategy = strategy.strategies[0]
                    return [
                        try await benchmark.run(loaded, strategy: strategy, length: length) { warmingUp in
                            progress.add(to: warmingUp ? "warm-up" : "images")
                        }
                    ]
                }
                let strategies = strategy.strategies
                let compared = try await benchmark.compare(
                    loaded, strategies: (strategies[0], strategies[1]), length: length
                ) { strategy, warmingUp in
                    progress.add(to: warmingUp ? "warm-up" : strategy.rawValue)
                }
                comparison = compared
                return compared.reports
            }
        } catch {
            progress.finish()
            Terminal.standardError("thumbworker: an input failed during the benchmark: \(error)")
            throw ExitCode(1)
        }
        progress.finish()
        let machine = MachineDescription.current
        if json {
            try printJSON(reports, comparison: comparison, machine: machine, inputCount: loaded.count)
        } else {
            printTable(
                reports, comparison: comparison, machine: machine, inputCount: loaded.count,
                concurrency: benchmark.concurrency)
        }
    }

    private func printJSON(
        _ reports: [ThroughputBenchmark.Report], comparison: ThroughputBenchmark.Comparison?,
        machine: MachineDescription, inputCount: Int
    ) throws {
        struct Output: Encodable {
            var libvips: String, cores: Int, cpu: String, inputs: Int
            var peakRSSBytes: Int
            var imagesPerSecond: Double
            var runs: [ThroughputBenchmark.Report]
            var comparison: Comparison?
            enum CodingKeys: String, CodingKey {
                case libvips, cores, cpu, inputs, runs, comparison
                case peakRSSBytes = "peak_rss_bytes"
                case imagesPerSecond = "images_per_second"
            }
        }
        /// The alternated rounds' ratios of the first run's uploads per second to the second's.
        struct Comparison: Encodable {
            var of: String
            var ratios: [Double]
            var medianRatio: Double
            enum CodingKeys: String, CodingKey {
                case of, ratios
                case medianRatio = "median_ratio"
            }
        }
        let output = Output(
            libvips: machine.libvips, cores: machine.cores, cpu: machine.cpu, inputs: inputCount,
            peakRSSBytes: MachineDescription.peakResidentBytes(),
            imagesPerSecond: reports.first?.imagesPerSecond ?? 0, runs: reports,
            comparison: comparison.map {
                Comparison(
                    of: $0.reports.map(\.strategy).joined(separator: " / "), ratios: $0.ratios,
                    medianRatio: $0.medianRatio)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        Terminal.standardOutput(String(decoding: try encoder.encode(output), as: UTF8.self))
    }

    private func printTable(
        _ reports: [ThroughputBenchmark.Report], comparison: ThroughputBenchmark.Comparison?,
        machine: MachineDescription, inputCount: Int, concurrency: Int
    ) {
        Terminal.standardOutput(
            "libvips \(machine.libvips), \(machine.cores) cores (\(machine.cpu)), \(inputCount) inputs, concurrency \(concurrency)"
        )
        let header = [
            "strategy", "images", "img/s", "MP/s", "p50 ms", "p95 ms", "p99 ms", "decode p50", "resize p50",
            "encode p50", "placeholder p50", "KB out/img",
        ]
        var rows = [header]
        for report in reports {
            let total = report.stages["total"]
            let stage = { (name: String) in report.stages[name]?.p50 ?? 0 }
            rows.append([
                report.strategy, "\(report.images)", Self.format(report.imagesPerSecond),
                Self.format(report.megapixelsPerSecond),
                Self.format(total?.p50 ?? 0), Self.format(total?.p95 ?? 0), Self.format(total?.p99 ?? 0),
                Self.format(stage("decode")), Self.format(stage("resize")), Self.format(stage("encode")),
                Self.format(stage("placeholder")), Self.format(report.outputBytesPerImage / 1024),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            Terminal.standardOutput(
                zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        if let comparison, let first = reports.first, let second = reports.last {
            let (low, high) = (comparison.ratios.min() ?? 0, comparison.ratios.max() ?? 0)
            Terminal.standardOutput(
                "\(first.strategy) / \(second.strategy) = \(Self.format(comparison.medianRatio))× (median of "
                    + "\(comparison.ratios.count) alternated rounds, \(Self.format(low))–\(Self.format(high))×)")
        }
        Terminal.standardOutput("peak RSS \(MachineDescription.peakResidentBytes() / 1_048_576) MB")
    }

    private static func format(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f" : "%.2f", value)
    }
}

/// Reads benchmark inputs: files as given, folders searched recursively for files that look like images.
enum BenchInputs {
    /// The inputs, in a stable order.
    static func load(_ paths: [String]) throws -> [ThroughputBenchmark.Input] {
        var inputs: [ThroughputBenchmark.Input] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw ValidationError("\(path) does not exist")
            }
            let files: [String]
            if isFolder.boolValue {
                let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
                files = found.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files = [path]
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file), ImageFormat(sniffing: data) != nil else {
                    continue
                }
                inputs.append(.init(name: file, data: [UInt8](data)))
            }
        }
        return inputs
    }
}
