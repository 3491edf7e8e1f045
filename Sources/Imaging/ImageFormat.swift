/// An image file format thumbworker can recognise from its first bytes.
package enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case jpeg, png, webp, gif, tiff, heic, avif, jxl, svg, pdf

    /// Formats libvips marks untrusted: their loaders run large parsers and are blocked unless allowed.
    package static let untrusted: Set<ImageFormat> = [.jxl, .svg, .pdf]

    /// Formats accepted by default: the raster formats cameras and phones produce.
    package static let defaultAllowed: Set<ImageFormat> = [.jpeg, .png, .webp, .gif, .tiff, .heic, .avif]

    /// The IANA media type, e.g. `image/jpeg`.
    package var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .gif: "image/gif"
        case .tiff: "image/tiff"
        case .heic: "image/heic"
        case .avif: "image/avif"
        case .jxl: "image/jxl"
        case .svg: "image/svg+xml"
        case .pdf: "application/pdf"
        }
    }

    /// The file extension written for outputs, without the dot (`jpeg` for JPEG, as the seed app named them).
    package var fileExtension: String {
        switch self {
        case .tiff: "tif"
        default: rawValue
        }
    }

    /// Whether the libvips loader that opened an image belongs to this format (e.g. `jpegload_buffer` → jpeg).
    func matchesLoader(_ loader: String) -> Bool {
        let prefixes: [String] =
            switch self {
            case .jpeg: ["jpegload"]
            case .png: ["pngload"]
            case .webp: ["webpload"]
            case .gif: ["gifload"]
            case .tiff: ["tiffload"]
            case .heic, .avif: ["heifload"]
            case .jxl: ["jxlload"]
            case .svg: ["svgload"]
            case .pdf: ["pdfload"]
            }
        return prefixes.contains { loader.hasPrefix($0) }
    }

    /// Recognises a format from the magic bytes at the start of a file; nil when none matches.
    package init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(512))
        func starts(with magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

        if starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if starts(with: ascii("RIFF")) && starts(with: ascii("WEBP"), at: 8) {
            self = .webp
        } else if starts(with: ascii("GIF87a")) || starts(with: ascii("GIF89a")) {
            self = .gif
        } else if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            self = .tiff
        } else if starts(with: ascii("ftyp"), at: 4), let brand = Self.isoBrand(head) {
            self = brand
        } else if starts(with: [0xFF, 0x0A]) || starts(with: [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) {
            self = .jxl
        } else if starts(with: ascii("%PDF-")) {
            self = .pdf
        } else if Self.looksLikeSVG(head) {
            self = .svg
        } else {
            return nil
        }
    }

    /// HEIF-family files name their flavour in the `ftyp` box: major brand, then compatible brands.
    private static func isoBrand(_ head: [UInt8]) -> ImageFormat? {
        guard head.count >= 16 else { return nil }
        let boxSize = Int(head[0]) << 24 | Int(head[1]) << 16 | Int(head[2]) << 8 | Int(head[3])
        let end = min(max(boxSize, 16), head.count)
        var brands: [String] = []
        for offset in stride(from: 8, to: end - 3, by: 4) where offset != 12 {
            brands.append(String(decoding: head[offset..<offset + 4], as: UTF8.self))
        }
        if brands.contains(where: { $0 == "avif" || $0 == "avis" }) { return .avif }
        if brands.contains(where: { ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].contains($0) }) {
            return .heic
        }
        return nil
    }

    /// SVG is text: optional BOM and whitespace, maybe an XML declaration or comments, then `<svg`.
    private static func looksLikeSVG(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head, as: UTF8.self).lowercased()
        return text.contains("<svg")
            && (text.hasPrefix("<") || text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).hasPrefix("<"))
    }
}
