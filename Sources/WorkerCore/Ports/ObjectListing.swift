package import Foundation

/// One page of a bucket's objects, as `ObjectStore.list` gives it.
package struct ObjectListing: Sendable, Equatable {
    /// The objects, in ascending UTF-8 byte order of their keys.
    package var objects: [ListedObject]
    /// Whether more objects match after the last one of this page.
    package var isTruncated: Bool

    /// Creates a page.
    package init(objects: [ListedObject], isTruncated: Bool) {
        self.objects = objects
        self.isTruncated = isTruncated
    }
}

/// What a listing says about one object.
package struct ListedObject: Sendable, Hashable {
    /// The key (or the path relative to the bucket folder, with `/`).
    package var key: String
    /// Size in bytes.
    package var size: Int
    /// The entity tag, without quotes, when the store has one.
    package var eTag: String?
    /// When the object was last written, when the store knows.
    package var lastModified: Date?

    /// Creates the facts of a listed object.
    package init(key: String, size: Int, eTag: String? = nil, lastModified: Date? = nil) {
        self.key = key
        self.size = size
        self.eTag = eTag
        self.lastModified = lastModified
    }
}
