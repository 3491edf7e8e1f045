import CVipsShim

/// Step 1, the header gate: the upload is checked against the limits by its size, its magic bytes, the loader libvips
/// picks and the header's frames and pixels, before any pixel is decoded (imgproxy's security/checker.go).
struct InspectStep {
    /// The limits checked.
    let limits: ImagingLimits

    /// What the upload is, or why it is refused; decodes no pixels.
    ///
    /// `framesWanted` is how many frames the renditions will decode (1 unless one is animated); the pixel limit counts
    /// width × height × those frames, the frame limit counts every frame in the file.
    func run(_ data: [UInt8], framesWanted: Int) throws(ImagingError) -> SourceInfo {
        guard !data.isEmpty else {
            throw ImagingError(.empty, "the file is empty (0 bytes)")
        }
        guard data.count <= limits.maxInputBytes else {
            throw ImagingError(
                .tooLarge,
                "the file is \(data.count) bytes; the limit is \(limits.maxInputBytes) (limits.max_input_bytes)")
        }
        guard let format = ImageFormat(sniffing: data) else {
            throw ImagingError(
                .unsupportedFormat,
                "the content is not a recognised image format (first bytes: \(Self.hexPrefix(data)))")
        }
        guard limits.allowedFormats.contains(format) else {
            if ImageFormat.untrusted.contains(format) {
                throw ImagingError(
                    .untrustedFormat,
                    "\(format.rawValue) is blocked: its loader is untrusted; add it to limits.allowed_formats to accept it"
                )
            }
            throw ImagingError(.unsupportedFormat, "\(format.rawValue) is not in limits.allowed_formats")
        }
        // libvips may read the buffer whenever it touches the image, so the header is used only while it is pinned.
        return try data.withBytes { buffer throws(ImagingError) -> SourceInfo in
            let header = try VipsImage.make(.corrupt, "the \(format.rawValue) header cannot be read") {
                thumb_vips_open_header(buffer.baseAddress, buffer.count, $0, $1)
            }
            return try check(header, format: format, bytes: data.count, framesWanted: framesWanted)
        }
    }

    /// Checks the loader, frames and pixels a header reports against the limits.
    private func check(_ header: VipsImage, format: ImageFormat, bytes: Int, framesWanted: Int) throws(ImagingError)
        -> SourceInfo
    {
        if let loader = thumb_vips_loader_name(header.pointer).map({ String(cString: $0) }),
            !format.matchesLoader(loader)
        {
            throw ImagingError(
                .unsupportedFormat, "the content starts like \(format.rawValue) but libvips reads it as \(loader)")
        }
        let frames = max(1, header.pages)
        guard frames <= limits.maxFrames else {
            throw ImagingError(
                .tooManyFrames, "the image has \(frames) frames; the limit is \(limits.maxFrames) (limits.max_frames)")
        }
        let frameHeight = header.pages > 1 ? header.pageHeight : header.height
        let decodedFrames = min(frames, max(1, framesWanted))
        let (pixels, overflow) = header.width.multipliedReportingOverflow(by: frameHeight)
        let (allPixels, overflowFrames) = pixels.multipliedReportingOverflow(by: decodedFrames)
        guard !overflow, !overflowFrames, allPixels <= limits.maxPixels else {
            let size = "\(header.width)×\(frameHeight) pixels"
            let total = overflow || overflowFrames ? "more than \(Int.max)" : "\(allPixels)"
            let extent = decodedFrames > 1 ? "\(size) × \(decodedFrames) frames (\(total) pixels)" : size
            throw ImagingError(
                .tooManyPixels,
                "the image is \(extent); the limit is \(limits.maxPixels) pixels (limits.max_pixels)")
        }
        let upright = OrientStep.uprightSize(width: header.width, height: frameHeight, orientation: header.orientation)
        return SourceInfo(
            format: format,
            width: upright.width,
            height: upright.height,
            bytes: bytes,
            orientation: header.orientation,
            frames: frames,
            hasAlpha: header.hasAlpha,
            hasProfile: thumb_vips_has_icc_profile(header.pointer) != 0,
            isProgressive: format == .jpeg && thumb_vips_is_progressive_jpeg(header.pointer) != 0
        )
    }

    private static func hexPrefix(_ data: [UInt8]) -> String {
        data.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: " ")
    }
}
