import CVipsShim

/// Owns one libvips image reference and releases it when dropped; never crosses threads.
final class VipsImage {
    /// The libvips image.
    let pointer: UnsafeMutablePointer<CVipsShim.VipsImage>

    /// Takes ownership of a reference returned by libvips.
    init(owning pointer: UnsafeMutablePointer<CVipsShim.VipsImage>) {
        self.pointer = pointer
    }

    deinit {
        g_object_unref(pointer)
    }

    /// Width in pixels (of one frame, for animations).
    var width: Int { Int(vips_image_get_width(pointer)) }
    /// Height in pixels of the whole image (all frames stacked, for animations).
    var height: Int { Int(vips_image_get_height(pointer)) }
    /// Height of one frame.
    var pageHeight: Int { Int(vips_image_get_page_height(pointer)) }
    /// How many frames (pages) the file holds, per its header.
    var pages: Int { Int(vips_image_get_n_pages(pointer)) }
    /// The EXIF orientation, 1 when absent.
    var orientation: Int { Int(vips_image_get_orientation(pointer)) }
    /// Whether the last band is alpha.
    var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }

    /// Runs a libvips call that produces an image, turning failure into an `ImagingError`.
    static func make(
        _ code: ImagingError.Code, _ message: @autoclosure () -> String,
        _ call: (UnsafeMutablePointer<UnsafeMutablePointer<CVipsShim.VipsImage>?>, UnsafeMutablePointer<ThumbVipsError>)
            -> Int32
    ) throws(ImagingError) -> VipsImage {
        var output: UnsafeMutablePointer<CVipsShim.VipsImage>?
        try LibVips.call(code, message()) { call(&output, $0) }
        guard let output else {
            throw ImagingError(code, message())
        }
        return VipsImage(owning: output)
    }

    /// Evaluates the pipeline behind this image into memory, so later steps read decoded pixels.
    func materialized(_ code: ImagingError.Code, _ message: @autoclosure () -> String) throws(ImagingError) -> VipsImage
    {
        try VipsImage.make(code, message()) { thumb_vips_copy_memory(pointer, $0, $1) }
    }

    /// The same pixels with metadata of its own, so removing fields from it leaves this image untouched.
    func withOwnMetadata() throws(ImagingError) -> VipsImage {
        try VipsImage.make(.encodeFailed, "the image's metadata cannot be copied") { thumb_vips_copy(pointer, $0, $1) }
    }

    /// Removes every metadata field except the ICC profile.
    func removeMetadata(keepingICC: Bool) {
        guard let fields = vips_image_get_fields(pointer) else { return }
        defer { g_strfreev(fields) }
        var index = 0
        var names: [String] = []
        while let field = fields[index] {
            names.append(String(cString: field))
            index += 1
        }
        for name in names where Self.isRemovableMetadata(name, keepingICC: keepingICC) {
            vips_image_remove(pointer, name)
        }
    }

    private static func isRemovableMetadata(_ name: String, keepingICC: Bool) -> Bool {
        if name == "icc-profile-data" { return !keepingICC }
        return name.hasPrefix("exif-") || name.hasPrefix("xmp-") || name.hasPrefix("iptc-")
            || name == "orientation" || name.hasPrefix("png-comment") || name == "gif-comment"
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for bodies that throw `ImagingError`, keeping the error type.
    func withBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(ImagingError) -> Result
    ) throws(ImagingError) -> Result {
        try withUnsafeBytes { buffer in
            Swift.Result<Result, ImagingError> { () throws(ImagingError) -> Result in try body(buffer) }
        }.get()
    }
}
