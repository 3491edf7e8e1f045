import CVipsShim

/// Step 6, pad: a `contain` rendition, fitted inside its box, centred on exactly the box with the background around it.
enum PadStep {
    /// The image centred on the rendition's box, or the image itself when the rendition is not `contain` or the image
    /// already fills the box. Fails with `.corrupt` and `failure`.
    static func pad(
        _ image: VipsImage, to rendition: RenditionSpec, background: RGBColor, failure: String
    ) throws(ImagingError) -> VipsImage {
        guard rendition.fit == .contain, let width = rendition.width, let height = rendition.height,
            image.width != width || image.height != height
        else { return image }
        return try VipsImage.make(.corrupt, failure) {
            thumb_vips_embed_centre(
                image.pointer, $0, Int32(width), Int32(height), Double(background.red), Double(background.green),
                Double(background.blue), 255, $1)
        }
    }
}
