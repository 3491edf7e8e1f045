extension SourceInfo {
    /// A rough upper bound, in bytes, of the memory one decode of this image takes; used to admit jobs to a budget.
    ///
    /// Baseline JPEGs shrink on load and PNG and TIFF decode sequentially, so they hold little; a progressive JPEG
    /// keeps every DCT coefficient of the whole image, two bytes each: 3 bytes a pixel with 4:2:0 chroma, 6 with
    /// 4:4:4, counted as 6 (measured: `process` of a 22.9 MP 4:2:0 one peaks 67 MB above a process at rest, of a
    /// 6.2 MP 4:4:4 one 33 MB, with either JPEG decoder); WebP, GIF and HEIF decode whole frames into memory — as many
    /// as the renditions want (`Thumbnailer.framesWanted(by:)`), not as many as the file has.
    package func estimatedDecodeBytes(framesWanted: Int) -> Int {
        let pixels = width * height
        let bytesPerPixel =
            switch format {
            case .jpeg: isProgressive ? 6 : 2
            case .png, .tiff: 2
            default: 4 * min(frames, max(1, framesWanted))
            }
        return Self.fixedOverheadBytes + pixels * bytesPerPixel
    }

    /// What any decode costs besides its pixels: buffers, the intermediate image, the encoders.
    private static let fixedOverheadBytes = 8 << 20
}
