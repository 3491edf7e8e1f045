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
    }

    @Test("an even number of rounds takes the mean of the middle two ratios")
    func evenMedian() {
        let comparison = ThroughputBenchmark.Comparison(reports: [], ratios: [1.9, 1.1, 1.5, 1.3])
        #expect(comparison.medianRatio == 1.4)
    }
}
