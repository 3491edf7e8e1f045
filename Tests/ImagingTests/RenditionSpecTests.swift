import Imaging
import Testing

/// A rendition with a box of `width` × `height`, adjusted by `configure`.
private func rendition(
    _ name: String, _ width: Int?, _ height: Int? = nil, _ configure: (inout RenditionSpec) -> Void = { _ in }
) -> RenditionSpec {
    var spec = RenditionSpec(name: name, width: width, height: height)
    configure(&spec)
    return spec
}

@Suite("Rendition specifications are checked before they are used")
struct RenditionSpecTests {
    @Test("a spec with every field set is valid")
    func everyField() throws {
        let spec = rendition("small", 320, 240) {
            $0.fit = .cover
            $0.gravity = .attention
            $0.format = .webp
            $0.quality = 75
            $0.upscale = true
            $0.metadata = .icc
            $0.progressive = true
            $0.background = RGBColor(red: 0x10, green: 0x20, blue: 0x30)
            $0.animated = true
            $0.maxFrames = 12
        }
        #expect(spec.problems().isEmpty)
        #expect(rendition("h", nil, 90).problems().isEmpty)
        #expect(rendition("w", 90).problems().isEmpty)
    }

    @Test(
        "bad specifications name the field",
        arguments: [
            (rendition("small", 0, 10), "width 0"),
            (rendition("small", 100) { $0.fit = .cover }, "needs both width and height"),
            (rendition("small", 100) { $0.quality = 101 }, "quality 101"),
            (
                rendition("small", 100) {
                    $0.format = .jpeg
                    $0.animated = true
                }, "animated output needs format webp or gif"
            ),
            (rendition("bad name", 100), "rendition name"),
        ])
    func badSpecs(_ spec: RenditionSpec, _ fragment: String) {
        let problems = spec.problems()
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains(fragment) == true, "\(problems)")
    }
}
