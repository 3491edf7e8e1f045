import ArgumentParser
import Foundation
import Imaging
import WorkerCore

/// `thumbworker bench`: resize throughput of the real imaging pipeline, inputs held in memory.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how many images per second the pipeline renders.",
        discussion: "Inputs are read into memory first; each is rendered once to warm up, then the run is timed."
    )

    @Argument(help: "Image files, or folders searched recursively for images.")
    var inputs: [String]

    @Option(name: .long, help: "Render every input this many times (instead of --duration).")
    var rounds: Int?

    @Option(name: .long, help: "Seconds to run.")
    var duration: Double = 10

    @Option(name: .long, help: "once (decode once for all renditions) | per-rendition (decode for each) | both.")
    var strategy: StrategyChoice = .once

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @OptionGroup var renditionOptions: RenditionOptions

    /// Which decode strategies to measure.
    enum StrategyChoice: String, ExpressibleByArgument, CaseIterable {
        case once
        case perRendition = "per-rendition"
        case both

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
        var reports: [ThroughputBenchmark.Report] = []
        for strategy in strategy.strategies {
            // The warm-up renders count too, so the ETA covers the whole run; with --json the report below is the
            // machine-readable summary, so the display stays quiet.
            let counters = ["warm-up", "images"]
            let progress = ProgressDisplay(
                label: strategy.rawValue, counters: counters, completed: Set(counters),
                total: rounds.map { (1 + max(1, $0)) * loaded.count }, style: json ? .quiet : .automatic(json: false))
            do {
                reports.append(
                    try await progress.showing {
                        try await benchmark.run(loaded, strategy: strategy, length: length) { warmingUp in
                            progress.add(to: warmingUp ? "warm-up" : "images")
                        }
                    })
            } catch {
                progress.finish()
                Terminal.standardError("thumbworker: an input failed during the benchmark: \(error)")
                throw ExitCode(1)
            }
            progress.finish()
        }
        let machine = MachineDescription.current
        if json {
            try printJSON(reports, machine: machine, inputCount: loaded.count)
        } else {
            printTable(reports, machine: machine, inputCount: loaded.count, concurrency: benchmark.concurrency)
        }
    }

    private func printJSON(_ reports: [ThroughputBenchmark.Report], machine: MachineDescription, inputCount: Int) throws
    {
        struct Output: Encodable {
            var libvips: String, cores: Int, cpu: String, inputs: Int
            var peakRSSBytes: Int
            var imagesPerSecond: Double
            var runs: [ThroughputBenchmark.Report]
            enum CodingKeys: String, CodingKey {
                case libvips, cores, cpu, inputs, runs
                case peakRSSBytes = "peak_rss_bytes"
                case imagesPerSecond = "images_per_second"
            }
        }
        let output = Output(
            libvips: machine.libvips, cores: machine.cores, cpu: machine.cpu, inputs: inputCount,
            peakRSSBytes: MachineDescription.peakResidentBytes(),
            imagesPerSecond: reports.first?.imagesPerSecond ?? 0, runs: reports)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        Terminal.standardOutput(String(decoding: try encoder.encode(output), as: UTF8.self))
    }

    private func printTable(
        _ reports: [ThroughputBenchmark.Report], machine: MachineDescription, inputCount: Int, concurrency: Int
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
        if reports.count == 2 {
            Terminal.standardOutput(
                "\(reports[0].strategy) / \(reports[1].strategy) = \(Self.format(reports[0].imagesPerSecond / reports[1].imagesPerSecond))×"
            )
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
