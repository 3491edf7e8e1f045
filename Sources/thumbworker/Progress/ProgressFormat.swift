import Foundation

/// How progress writes quantities for people: bytes, seconds, rates.
enum ProgressFormat {
    /// `512 B`, `12.3 KB`, `4.5 MB`, `1.2 GB` (powers of 1024).
    static func bytes(_ count: Int) -> String {
        let units = ["KB", "MB", "GB", "TB"]
        guard count >= 1024 else { return "\(count) B" }
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f %@", value, units[unit])
    }

    /// `0.4 s`, `42 s`, `3 min 05 s`, `2 h 03 min`.
    static func seconds(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, whole % 3600 / 60)
    }

    /// `3.5/s` below ten a second, `120/s` above.
    static func rate(_ perSecond: Double) -> String {
        String(format: perSecond < 10 ? "%.1f/s" : "%.0f/s", perSecond)
    }
}
