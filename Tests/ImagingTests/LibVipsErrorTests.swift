import Imaging
import TestSupport
import Testing

@Suite("libvips failures carry their own words")
struct LibVipsErrorTests {
    /// A damaged input, the error it must fail with, and a word only its libvips text has.
    private struct Failing: Sendable {
        let file: String
        let message: String
        let libvipsWord: String
    }

    private static let truncatedJPEG = Failing(
        file: "truncated.jpg", message: "the jpeg image cannot be decoded", libvipsWord: "VipsJpeg")
    private static let corruptPNG = Failing(
        file: "corrupt.png", message: "the png image cannot be decoded", libvipsWord: "vipspng")

    /// libvips keeps one error buffer for the whole process and writes to it from its worker threads, so two images
    /// failing at once would each read both texts, or one would find the buffer already emptied by the other.
    @Test("two different images failing at once on the two threads of a pool each keep their own libvips text")
    func concurrentFailuresKeepTheirOwnText() async throws {
        let iterations = 1000
        let pool = ImagingPool(threadCount: 2)
        defer { pool.shutdown() }
        let thumbnailer = try Thumbnailer()
        let renditions = [RenditionSpec(name: "t", width: 100)]
        let jpeg = try Testdata.bytes(Self.truncatedJPEG.file)
        let png = try Testdata.bytes(Self.corruptPNG.file)
        var problems: [String] = []
        for iteration in 0..<iterations {
            // Both threads are idle when a pair is submitted, so the two images fail side by side.
            async let jpegOutcome = pool.run { () throws(ImagingError) in
                try thumbnailer.render(jpeg, renditions: renditions)
            }
            async let pngOutcome = pool.run { () throws(ImagingError) in
                try thumbnailer.render(png, renditions: renditions)
            }
            let outcomes = await [(Self.truncatedJPEG, jpegOutcome), (Self.corruptPNG, pngOutcome)]
            for (input, outcome) in outcomes {
                if let problem = Self.problem(with: outcome, for: input) {
                    problems.append("iteration \(iteration), \(input.file): \(problem)")
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) wrong failures, first: \(problems.prefix(3))")
    }

    /// What is wrong with an outcome: not a failure, the wrong failure, or libvips text that is empty or another's.
    private static func problem(with outcome: Result<RenderResult, ImagingError>, for input: Failing) -> String? {
        guard case .failure(let error) = outcome else { return "rendered instead of failing" }
        guard error.code == .corrupt, error.message == input.message else { return "\(error)" }
        guard let text = error.libvipsMessage else { return "no libvips text" }
        let others = [truncatedJPEG, corruptPNG].filter { $0.file != input.file }.map(\.libvipsWord)
        guard text.contains(input.libvipsWord), !others.contains(where: text.contains) else {
            return "libvips text '\(text)'"
        }
        return nil
    }
}
