import Foundation

#if canImport(Glibc)
    import CMalloc
#endif

/// How this process sets up glibc's allocator before any thread starts.
enum MemoryAllocator {
    /// Arenas glibc may create; its default is eight per core.
    static let arenaLimit: Int32 = 2

    /// Limits glibc to `arenaLimit` malloc arenas unless `MALLOC_ARENA_MAX` is set (which glibc then obeys itself).
    ///
    /// libvips allocates large, short-lived buffers on many threads; with an arena per thread glibc keeps freed memory
    /// in each, and a worker's idle RSS grew with work done (398 → 565 MB over 2,020 uploads at concurrency 2) where
    /// two arenas keep it flat — the fix imgproxy and sharp ship too. `benchmarks/soak.sh` measures both.
    static func limitArenas(environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if canImport(Glibc)
            if environment["MALLOC_ARENA_MAX"] == nil {
                _ = mallopt(M_ARENA_MAX, arenaLimit)
            }
        #endif
    }
}
