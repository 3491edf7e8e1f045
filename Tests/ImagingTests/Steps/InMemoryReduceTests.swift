import CVipsShim
import TestSupport
import Testing

@testable import Imaging

@Suite("Step 5 on buffers: an 8-bit image in memory is reduced by the shim's resampler, as libvips' reduce would")
struct InMemoryReduceTests {
    @Test(
        "every fit gives libvips' sizes and pixels within a hair of libvips' own reduce",
        arguments: [
            ("seeding-crop.jpg", rendition(320)), ("seeding-crop.jpg", rendition(150, 150) { $0.fit = .cover }),
            ("seeding-crop.jpg", rendition(90, 120) { $0.fit = .fill }), ("grey.jpg", rendition(140)),
        ])
    func asLibvipsReduces(_ file: String, _ spec: RenditionSpec) async throws {
        let data = try Testdata.bytes(file)
        _ = try thumbnailer()  // starts libvips
        let (ours, theirs, psnr) = try await offCooperativeThreads {
            try data.withBytes { buffer throws(ImagingError) in
                var options = ResizeStep.box(for: spec)
                // The same full-size decode, once as libvips' lazy loader gives it and once in memory.
                let open = { () throws(ImagingError) in
                    try VipsImage.make(.corrupt, "the file cannot be opened") {
                        thumb_vips_open_header(buffer.baseAddress, buffer.count, $0, $1)
                    }
                }
                let (lazy, inMemory) = (try open(), try open().materialized(.corrupt, "the file cannot be decoded"))
                let reduce = { (image: Imaging.VipsImage) throws(ImagingError) in
                    try DecodedImage.of(
                        VipsImage.make(.corrupt, "the image cannot be reduced") {
                            thumb_vips_thumbnail_image(image.pointer, $0, &options, $1)
                        }.materialized(.corrupt, "the image cannot be reduced"))
                }
                let (ours, theirs) = (try reduce(inMemory), try reduce(lazy))
                return (ours, theirs, ours.psnr(against: theirs))
            }
        }
        #expect(ours.width == theirs.width && ours.height == theirs.height)
        // Not equal, or the resampler was not used; far apart, or it resampled a different picture or geometry.
        #expect(psnr > 40 && psnr < .infinity, Comment(rawValue: "\(file) \(ours.width)×\(ours.height): \(psnr) dB"))
    }
}
