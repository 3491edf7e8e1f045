/// One thumbnail to make from every upload: its size, how it fits, and how it is encoded.
package struct RenditionSpec: Sendable, Hashable {
    /// How the image fits the requested box.
    package enum Fit: String, Sendable, Hashable, Codable, CaseIterable {
        /// Keep the aspect ratio and fit inside the box (the box may be given by one side only).
        case inside
        /// Keep the aspect ratio, fill the box and crop what overflows, guided by `gravity`.
        case cover
        /// Stretch to exactly the box, ignoring the aspect ratio.
        case fill
        /// Fit inside, then pad to exactly the box with the background colour.
        case contain
    }

    /// Which part of the image `cover` keeps.
    package enum Gravity: String, Sendable, Hashable, Codable, CaseIterable {
        /// The centre.
        case centre
        /// The region libvips finds most eye-catching (skin tones, saturation, edges).
        case attention
        /// The region with the most detail (highest entropy).
        case entropy
    }

    /// The encoding of a rendition.
    package enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        case jpeg, png, webp, avif, gif
        /// JPEG when the result is opaque, PNG when it has transparency.
        case auto

        /// The file format this writes, or nil for `auto`, which is chosen per image.
        package var fixedFormat: ImageFormat? {
            switch self {
            case .jpeg: .jpeg
            case .png: .png
            case .webp: .webp
            case .avif: .avif
            case .gif: .gif
            case .auto: nil
            }
        }

        /// Whether the format can store an alpha channel.
        var keepsAlpha: Bool { self != .jpeg }
        /// Whether the format can store several frames.
        var canAnimate: Bool { self == .webp || self == .gif }
    }

    /// Which metadata survives into the rendition.
    package enum Metadata: String, Sendable, Hashable, Codable, CaseIterable {
        /// Remove everything (the default: no GPS position or camera serial in public thumbnails).
        case strip
        /// Keep only the colour profile (after conversion to sRGB, the sRGB profile).
        case icc
        /// Keep everything the source carried, including EXIF (copyright, but also GPS).
        case all
    }

    /// The rendition's name, used in output keys and notifications.
    package var name: String
    /// The box width in pixels; nil lets the height decide.
    package var width: Int?
    /// The box height in pixels; nil lets the width decide.
    package var height: Int?
    /// How the image fits the box.
    package var fit: Fit = .inside
    /// What `cover` keeps.
    package var gravity: Gravity = .centre
    /// The output encoding.
    package var format: Format = .jpeg
    /// Quality 1–100 for lossy formats; nil takes the per-format default.
    package var quality: Int?
    /// Whether images smaller than the box are enlarged.
    package var upscale: Bool = false
    /// Which metadata to keep.
    package var metadata: Metadata = .strip
    /// Progressive JPEG, interlaced PNG or GIF.
    package var progressive: Bool = false
    /// Padding and flattening colour; nil takes the global background.
    package var background: RGBColor?
    /// Whether animated inputs stay animated (WebP and GIF outputs only); otherwise the first frame is used.
    package var animated: Bool = false
    /// The most frames an animated rendition keeps.
    package var maxFrames: Int = 100

    /// How many frames this rendition decodes at most: `maxFrames` when animated, else the first.
    var framesWanted: Int { animated ? maxFrames : 1 }

    /// Creates a rendition; check `problems()` before use (the configuration reader does).
    package init(name: String, width: Int? = nil, height: Int? = nil) {
        self.name = name
        self.width = width
        self.height = height
    }

    /// Every problem with this rendition, each naming the field; empty when it is usable. Checked once, when the
    /// configuration is read: the thumbnailer trusts the renditions it is given.
    package func problems() -> [String] {
        var problems: [String] = []
        let prefix = "rendition '\(name)'"
        if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            problems.append("rendition name '\(name)': use letters, digits, '-' or '_'")
        }
        if width == nil && height == nil {
            problems.append("\(prefix): give width, height or both")
        }
        for (field, value) in [("width", width), ("height", height)] {
            if let value, !(1...RenditionSpec.maximumSide).contains(value) {
                problems.append("\(prefix): \(field) \(value) is not between 1 and \(RenditionSpec.maximumSide)")
            }
        }
        if fit != .inside && (width == nil || height == nil) {
            problems.append("\(prefix): fit '\(fit.rawValue)' needs both width and height")
        }
        if let quality, !(1...100).contains(quality) {
            problems.append("\(prefix): quality \(quality) is not between 1 and 100")
        }
        if animated && !format.canAnimate {
            problems.append("\(prefix): animated output needs format webp or gif, not \(format.rawValue)")
        }
        if animated && fit == .contain {
            problems.append("\(prefix): animated output cannot use fit 'contain'")
        }
        if !(1...10_000).contains(maxFrames) {
            problems.append("\(prefix): max_frames \(maxFrames) is not between 1 and 10000")
        }
        return problems
    }

    /// The largest side a rendition may ask for.
    package static let maximumSide = 16_383
}
