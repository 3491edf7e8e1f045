import CVipsShim
import TestSupport
import Testing

@testable import Imaging

@Suite("The shim's resampler gives the same samples with AVX2 as with SSE2")
struct ResampleVectorTests {
    @Test(
        "a photograph's renditions, from TurboJPEG's planes and from the shared decode in memory, are byte for byte the same either way"
    )
    func sameWithEitherVectorWidth() async throws {
        let data = try Testdata.bytes("seeding-crop.jpg")
        // Odd widths leave columns for the scalar tails; the cover crop and the grey file take the other shapes.
        let renditions = [
            rendition(1000), rendition(333, name: "third"), rendition(97, name: "small"),
            rendition(120, 120, name: "square") { $0.fit = .cover },
        ]
        let thumbnailer = try thumbnailer()
        let grey = try Testdata.bytes("grey.jpg")
        let render = { @Sendable () throws -> [[UInt8]] in
            let photo = try thumbnailer.render(data, renditions: renditions).renditions
            return (photo + (try thumbnailer.render(grey, renditions: [rendition(51)]).renditions)).map(\.data)
        }
        let wide = try await offCooperativeThreads(render)
        let previous = thumb_vips_resample_allow_avx2(0)
        defer { thumb_vips_resample_allow_avx2(previous) }
        let narrow = try await offCooperativeThreads(render)
        #expect(wide.count == renditions.count + 1)
        // On a processor without AVX2 both runs are SSE2's and this holds trivially.
        #expect(wide == narrow)
    }
}
