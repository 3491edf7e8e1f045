import CVipsShim

/// Step 7, flatten: transparency composited onto the background colour when the output format cannot keep it (JPEG).
enum FlattenStep {
    /// The image over the background when it has alpha and `format` is JPEG, else the image itself. Fails with
    /// `.corrupt` and `failure`.
    static func flatten(
        _ image: VipsImage, for format: ImageFormat, background: RGBColor, failure: String
    ) throws(ImagingError) -> VipsImage {
        guard image.hasAlpha && format == .jpeg else { return image }
        return try VipsImage.make(.corrupt, failure) {
            thumb_vips_flatten(
                image.pointer, $0, Double(background.red), Double(background.green), Double(background.blue), $1)
        }
    }
}
