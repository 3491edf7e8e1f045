import CVipsShim
import Foundation
import Synchronization
import Testing

@testable import Imaging

@Suite("Pipelines built on several threads at once")
struct ConcurrentBuildTests {
    /// libvips compiles ORC vector code whenever it builds a reduce, and ORC 0.4.33's code allocator corrupts the
    /// heap when two threads compile at once (four threads building thumbnails crashed a C loop every run), so the
    /// shim starts libvips with ORC off.
    @Test("libvips runs without ORC vector code, and four threads building resizes at once corrupt nothing")
    func buildsDoNotRace() throws {
        _ = try Thumbnailer()
        #expect(thumb_vips_vector_enabled() == 0)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            let pixels = [UInt8](repeating: 128, count: 600 * 400 * 3)
            guard
                let base = pixels.withUnsafeBytes({
                    vips_image_new_from_memory_copy($0.baseAddress, $0.count, 600, 400, 3, VIPS_FORMAT_UCHAR)
                })
            else {
                failures.withLock { $0 += 1 }
                return
            }
            defer { g_object_unref(base) }
            for iteration in 0..<600 {
                var box = ThumbVipsThumbnailOptions()
                box.width = Int32(20 + (iteration + thread) % 50)
                box.height = Int32(VIPS_MAX_COORD)
                var resized: UnsafeMutablePointer<CVipsShim.VipsImage>?
                if thumb_vips_thumbnail_image(base, &resized, &box, nil) != 0 || resized == nil {
                    failures.withLock { $0 += 1 }
                }
                resized.map { g_object_unref($0) }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }
}
