import CVipsShim
import Testing

@testable import Imaging

@Suite("Pipelines built on several threads at once")
struct ConcurrentBuildTests {
    /// libvips compiles ORC vector code whenever it builds a reduce, and ORC 0.4.33's code allocator corrupts the
    /// heap when two threads compile at once (four threads building thumbnails crashed a C loop every run), so the
    /// shim starts libvips with ORC off.
    @Test("libvips runs without ORC vector code, and four threads building resizes at once corrupt nothing")
    func buildsDoNotRace() async throws {
        _ = try Thumbnailer()
        #expect(thumb_vips_vector_enabled() == 0)
        // The pool's own threads, not Swift's cooperative ones, which other tests need meanwhile.
        let pool = ImagingPool(threadCount: 4)
        defer { pool.shutdown() }
        let failures = await withTaskGroup(of: Int.self) { group in
            for thread in 0..<4 {
                group.addTask {
                    let built = await pool.run { () throws(ImagingError) -> Int in Self.buildResizes(seed: thread) }
                    return (try? built.get()) ?? 600
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    /// Builds 600 resizes of a grey 600×400 image to widths of 20–69 px; returns how many could not be built.
    private static func buildResizes(seed: Int) -> Int {
        let pixels = [UInt8](repeating: 128, count: 600 * 400 * 3)
        guard
            let base = pixels.withUnsafeBytes({
                vips_image_new_from_memory_copy($0.baseAddress, $0.count, 600, 400, 3, VIPS_FORMAT_UCHAR)
            })
        else { return 600 }
        defer { g_object_unref(base) }
        var failures = 0
        for iteration in 0..<600 {
            var box = ThumbVipsThumbnailOptions()
            box.width = Int32(20 + (iteration + seed) % 50)
            box.height = Int32(VIPS_MAX_COORD)
            var resized: UnsafeMutablePointer<CVipsShim.VipsImage>?
            if thumb_vips_thumbnail_image(base, &resized, &box, nil) != 0 || resized == nil {
                failures += 1
            }
            resized.map { g_object_unref($0) }
        }
        return failures
    }
}
