extension ThumbnailEvent {
    /// The id receivers deduplicate by: the same for every delivery of the same outcome, whichever worker sends it.
    ///
    /// Made from the event type (and, for a failure, whether it is retryable), the source's bucket, key and entity tag,
    /// and the names of the renditions configured: a retried `Publish` or a job retried after a partial notifier
    /// failure repeats the id, while a retryable `thumbnails.failed` and the later `thumbnails.ready` differ, and so do
    /// events for a new version of the source or a new rendition set. 32 hex digits (two 64-bit FNV-1a hashes).
    package static func deduplicationID(
        type: String, retryable: Bool?, source: Source, renditionNames: [String]
    ) -> String {
        let parts =
            [type, retryable.map { $0 ? "retryable" : "final" } ?? "", source.bucket, source.key, source.eTag ?? ""]
            + renditionNames.sorted()
        // Each part is preceded by its length, so no two lists of parts give the same bytes.
        let bytes = parts.flatMap { Array("\($0.utf8.count):".utf8) + Array($0.utf8) }
        return hexFNV1a(bytes, offset: 0xcbf2_9ce4_8422_2325) + hexFNV1a(bytes, offset: 0x6c62_272e_07bb_0142)
    }

    /// The 64-bit FNV-1a hash of `bytes` from `offset`, as 16 hex digits: stable across processes and machines, unlike
    /// Swift's `Hasher`.
    private static func hexFNV1a(_ bytes: [UInt8], offset: UInt64) -> String {
        var hash = offset
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
