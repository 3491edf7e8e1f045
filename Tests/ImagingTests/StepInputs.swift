import CVipsShim
import TestSupport

@testable import Imaging

// Inputs for the step suites: a step is tested on the image the steps before it make.

/// What step 1 reports of a testdata file.
func source(of file: String, framesWanted: Int = 1) throws -> SourceInfo {
    try Thumbnailer().inspect(Testdata.bytes(file), framesWanted: framesWanted)
}

/// A `vips_thumbnail` box `width` pixels wide that never enlarges, as the steps before resizing leave it.
func widthBox(_ width: Int) -> ThumbVipsThumbnailOptions {
    var box = ThumbVipsThumbnailOptions()
    box.width = Int32(width)
    box.height = Int32(VIPS_MAX_COORD)
    box.size = Int32(VIPS_SIZE_DOWN.rawValue)
    box.crop = Int32(VIPS_INTERESTING_NONE.rawValue)
    return box
}

/// Steps 2–4 on a testdata file as the thumbnailer runs them, shrunk on load to `box`, in memory.
func decodedUpright(_ file: String, box: ThumbVipsThumbnailOptions, frames: Int = 1) throws -> Imaging.VipsImage {
    let thumbnailer = try Thumbnailer()
    let info = try source(of: file, framesWanted: frames)
    return try Testdata.bytes(file).withBytes { buffer throws(ImagingError) in
        try thumbnailer.decode(buffer, source: info, box: box, frames: frames, failure: "test decode")
            .materialized(.corrupt, "test decode")
    }
}

/// A testdata file decoded with exactly `options` (whichever steps' fields the caller set) by `jpegDecoder`,
/// converted to 8 bits and put in memory; a damaged file fails here with `.corrupt`, `failure` and its own libvips
/// text, decoded again alone, as the thumbnailer does, when another thread's libvips call overlapped it.
func decoded(
    _ file: String, options: ThumbVipsThumbnailOptions, jpegDecoder: JPEGDecoder = .turbojpeg,
    failure: String = "test decode"
) throws -> Imaging.VipsImage {
    let info = try source(of: file)
    return try Testdata.bytes(file).withBytes { buffer throws(ImagingError) in
        try LibVips.isolatingFailures { () throws(ImagingError) in
            try ColourStep.convertTo8Bit(
                DecodeStep.decode(buffer, options: options, source: info, jpegDecoder: jpegDecoder, failure: failure)
            ).materialized(.corrupt, failure)
        }
    }
}

extension DecodedImage {
    /// Reads the pixels of a step's result.
    init(_ image: Imaging.VipsImage) throws {
        try self.init(pixelsOf: image.pointer)
    }
}

extension DecodedImage {
    /// Reads the pixels of an image a step made, failing as the steps fail.
    static func of(_ image: Imaging.VipsImage) throws(ImagingError) -> DecodedImage {
        do {
            return try DecodedImage(pixelsOf: image.pointer)
        } catch {
            throw ImagingError(.corrupt, "the image's pixels cannot be read")
        }
    }
}
