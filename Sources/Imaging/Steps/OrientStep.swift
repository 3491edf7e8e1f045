import CVipsShim

/// Step 3, orientation: the picture turned upright as its EXIF orientation says.
///
/// libvips rotates and flips in the decode pass (``DecodeStep``) and drops the tag, so no rendition carries an
/// orientation to apply twice. Orientations 5–8 turn the picture a quarter, so the upright size swaps the header's
/// sides: the limits, the renditions' scale and the reported source size all use it.
enum OrientStep {
    /// Asks the decode pass to turn the picture upright.
    static func configure(_ options: inout ThumbVipsThumbnailOptions) {
        options.auto_rotate = 1
    }

    /// The displayed size of a picture stored `width` × `height` under an EXIF orientation (1–8).
    static func uprightSize(width: Int, height: Int, orientation: Int) -> (width: Int, height: Int) {
        (5...8).contains(orientation) ? (height, width) : (width, height)
    }
}
