import TestSupport
import Testing

@testable import Imaging

@Suite("The throughput benchmark compares strategies in alternated rounds")
struct ThroughputBenchmarkTests {
    @Test("each round is a pass of each strategy over every input; the ratio is the median of the rounds' ratios")
    func alternatedRounds() async throws {
        let inputs = try ["landscape.jpg", "grey.jpg"].map {
            ThroughputBenchmark.Input(name: $0, data: try Testdata.bytes($0))
        }
        let benchmark = ThroughputBenchmark(
            renditions: [rendition(64), rendition(32, name: "small")], settings: ImagingSettings(), concurrency: 1)
        let comparison = try await benchmark.compare(
            inputs, strategies: (.decodeOnce, .decodePerRendition), length: .rounds(3))
        #expect(comparison.reports.map(\.strategy) == ["once", "per-rendition"])
        #expect(comparison.reports.map(\.images) == [6, 6], "three passes over two inputs each")
        #expect(comparison.ratios.count == 3)
        #expect(comparison.ratios.allSatisfy { $0 > 0 })
        #expect(comparison.medianRatio == comparison.ratios.sorted()[1])
        // Each ratio is the first strategy's speed over the second's, so the whole run's, whose times are the rounds'
        // added up, lies between the smallest and the largest (an inverted ratio would not: decoding per rendition
        // makes two decodes and a placeholder decode here where once makes one).
        let whole = comparison.reports[0].imagesPerSecond / comparison.reports[1].imagesPerSecond
        let (low, high) = (comparison.ratios.min() ?? 0, comparison.ratios.max() ?? 0)
        #expect(low * 0.999 <= whole && whole <= high * 1.001, "\(whole) outside \(comparison.ratios)")
    }

    @Test("no inputs, no rounds: empty figures, not a division by zero")
    func noInputs() async throws {
        let benchmark = ThroughputBenchmark(renditions: [rendition(64)], settings: ImagingSettings(), concurrency: 1)
        let comparison = try await benchmark.compare(
            [], strategies: (.decodeOnce, .decodePerRendition), length: .seconds(1))
        #expect(comparison.ratios.isEmpty && comparison.medianRatio == 0)
        #expect(comparison.reports.map(\.imagesPerSecond) == [0, 0])
    }

    @Test("a pass gives every thread of the pool a job: as many rounds over few inputs as that takes")
    func passFillsThePool() {
        let benchmark = { (threads: Int) in
            ThroughputBenchmark(renditions: [rendition(64)], settings: ImagingSettings(), concurrency: threads)
        }
        #expect(benchmark(1).roundsPerPass(inputCount: 2) == 1)
        #expect(benchmark(8).roundsPerPass(inputCount: 3) == 3)
        #expect(benchmark(8).roundsPerPass(inputCount: 8) == 1)
        #expect(benchmark(2).roundsPerPass(inputCount: 10) == 1)
    }

    @Test("an even number of rounds takes the mean of the middle two ratios")
    func evenMedian() {
        let comparison = ThroughputBenchmark.Comparison(reports: [], ratios: [1.9, 1.1, 1.5, 1.3])
        #expect(comparison.medianRatio == 1.4)
    }
}
