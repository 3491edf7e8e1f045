extension RenditionSpec {
    /// Bumped when the same spec would render different pixels (a change of the steps), so that outputs made before
    /// count as out of date.
    package static let rendererRevision = 1

    /// Everything that decides this rendition's bytes, with the global defaults it takes filled in, as one line:
    /// `r1 w320 h- inside centre jpeg q80 …`. The name and the output key are not part of it.
    package func effectiveDescription(with settings: ImagingSettings) -> String {
        let lossy: ImageFormat? =
            switch format {
            case .jpeg, .auto: .jpeg
            case .webp: .webp
            case .avif: .avif
            case .png, .gif: nil
            }
        let parts = [
            "r\(Self.rendererRevision)", "w\(width.map(String.init) ?? "-")", "h\(height.map(String.init) ?? "-")",
            fit.rawValue, fit == .cover ? gravity.rawValue : "-", format.rawValue,
            lossy.map { "q\(quality ?? settings.quality.quality(for: $0))" } ?? "q-",
            upscale ? "upscale" : "-", "meta-\(metadata.rawValue)", progressive ? "progressive" : "-",
            "bg\((background ?? settings.background).hex)", animated ? "animated\(maxFrames)" : "-",
        ]
        return parts.joined(separator: " ")
    }

    /// A short stable digest of `effectiveDescription(with:)` (16 hex digits, FNV-1a 64), written on each rendition so
    /// a later run can tell whether it was made with today's spec.
    package func fingerprint(with settings: ImagingSettings) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in effectiveDescription(with: settings).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
