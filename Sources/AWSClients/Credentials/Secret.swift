/// A string that must never be printed: its description, debug description and mirror all read `<redacted>`.
struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The hidden value, for the one place that sends it.
    let value: String

    /// Always `<redacted>`.
    var description: String { "<redacted>" }

    /// Always `<redacted>`.
    var debugDescription: String { description }

    /// A mirror with no children, so `dump` shows nothing of the value.
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
