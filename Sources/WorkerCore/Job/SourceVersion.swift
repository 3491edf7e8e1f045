/// Which version of an original thumbnails are made from, as far as the event, the listing or the HEAD told.
package struct SourceVersion: Sendable, Hashable {
    /// The entity tag without quotes; outputs count as current only when theirs is the same.
    package var eTag: String?
    /// The S3 version id, on versioned buckets.
    package var versionID: String?
    /// The creating event's ordering token (`s3.object.sequencer`), compared with a later remove event's.
    package var sequencer: String?

    /// Creates a version description.
    package init(eTag: String?, versionID: String? = nil, sequencer: String? = nil) {
        self.eTag = eTag
        self.versionID = versionID
        self.sequencer = sequencer
    }
}

/// S3's `sequencer`: a hex string that orders the events of one key; a greater value is a later event.
package enum Sequencer {
    /// Whether the event with sequencer `first` came after the one with `second`: the shorter is left-padded with
    /// zeros, then the two are compared as text (case-insensitively, as hex digits).
    package static func isLater(_ first: String, than second: String) -> Bool {
        let width = max(first.count, second.count)
        let padded = { (value: String) in String(repeating: "0", count: width - value.count) + value.uppercased() }
        return padded(first) > padded(second)
    }
}
