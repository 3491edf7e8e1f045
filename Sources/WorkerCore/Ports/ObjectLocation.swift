/// One object: the store that holds it, its bucket (or folder) and key.
package struct ObjectLocation: Sendable {
    /// The store that holds the object.
    package var store: any ObjectStore
    /// The bucket, or the folder for local files.
    package var bucket: String
    /// The key, or the file name for local files.
    package var key: String

    /// Creates a location.
    package init(store: any ObjectStore, bucket: String, key: String) {
        self.store = store
        self.bucket = bucket
        self.key = key
    }

    /// How a person would name it: `s3://bucket/key` or a path.
    package var displayName: String { store.displayName(bucket: bucket, key: key) }
}

/// Where renditions are written: a store, a bucket (or folder) and a key prefix.
package struct OutputLocation: Sendable {
    /// The store written to.
    package var store: any ObjectStore
    /// The bucket, or the folder for local output.
    package var bucket: String
    /// Prepended to every output key (e.g. `thumbs/`); may be empty.
    package var prefix: String

    /// Creates an output location.
    package init(store: any ObjectStore, bucket: String, prefix: String = "") {
        self.store = store
        self.bucket = bucket
        self.prefix = prefix
    }
}
