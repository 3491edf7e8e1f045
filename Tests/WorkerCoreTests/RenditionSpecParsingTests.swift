import Imaging
import Testing
import WorkerCore

/// The one-line rendition syntax (`NAME=SIZE[,field=value…]`) of flags and configuration files.
@Suite("Rendition specifications are checked when they are read")
struct RenditionSpecParsingTests {
    @Test("the one-line syntax sets every field")
    func oneLine() throws {
        let spec = try RenditionSpec(
            parsing: "small=320x240,fit=cover,gravity=attention,format=webp,quality=75,upscale=true,metadata=icc,"
                + "progressive=yes,background=#102030,animated=true,max_frames=12"
        )
        #expect(spec.name == "small" && spec.width == 320 && spec.height == 240)
        #expect(spec.fit == .cover && spec.gravity == .attention && spec.format == .webp && spec.quality == 75)
        #expect(spec.upscale && spec.metadata == .icc && spec.progressive && spec.animated && spec.maxFrames == 12)
        #expect(spec.background == RGBColor(red: 0x10, green: 0x20, blue: 0x30))
        #expect(try RenditionSpec(parsing: "h=x90").height == 90)
        #expect(try RenditionSpec(parsing: "w=90").width == 90)
    }

    @Test(
        "bad specifications name the field",
        arguments: [
            ("small=0x10", "width 0"),
            ("small=abc", "width 'abc'"),
            ("small=100,fit=cover", "needs both width and height"),
            ("small=100,quality=101", "quality 101"),
            ("small=100,formt=webp", "did you mean 'format'"),
            ("small=100,format=bmp", "format 'bmp'"),
            ("small=100,format=jpeg,animated=true", "animated output needs format webp or gif"),
            ("small", "start with NAME=SIZE"),
            ("bad name=100", "rendition name"),
        ])
    func badSpecs(_ line: String, _ fragment: String) throws {
        let error = try #require(throws: ConfigurationError.self, "'\(line)' was accepted") {
            try RenditionSpec(parsing: line)
        }
        let problems = error.problems.joined(separator: "; ")
        #expect(!error.problems.isEmpty)
        #expect(problems.contains(fragment), "\(problems)")
    }
}
