import Imaging
import TestSupport
import Testing

/// A thumbnailer with default settings (libvips started once per process), adjusted by `configure`.
func thumbnailer(_ configure: (inout ImagingSettings) -> Void = { _ in }) throws -> Thumbnailer {
    var settings = ImagingSettings()
    configure(&settings)
    return try Thumbnailer(settings: settings)
}

/// A rendition with a box of `width` × `height` (nil lets the other side decide), adjusted by `configure`.
func rendition(
    _ width: Int?, _ height: Int? = nil, name: String = "t", _ configure: (inout RenditionSpec) -> Void = { _ in }
) -> RenditionSpec {
    var spec = RenditionSpec(name: name, width: width, height: height)
    configure(&spec)
    return spec
}

/// Renders one rendition of a testdata file through every step, and decodes the output.
func renderOne(
    _ file: String, _ spec: RenditionSpec, settings: (inout ImagingSettings) -> Void = { _ in }
) throws -> (RenderResult, DecodedImage) {
    let result = try thumbnailer(settings).render(Testdata.bytes(file), renditions: [spec])
    let output = try #require(result.renditions.first)
    return (result, try DecodedImage(output.data))
}

extension Array where Element == UInt8 {
    /// Whether the bytes contain `needle` somewhere.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { start in self[start..<start + needle.count].elementsEqual(needle)
        }
    }
}
