/// Where originals are read (and listed, for a backfill) and thumbnails written (and deleted): an S3 bucket, or a
/// folder on disk.
package protocol ObjectStore: Sendable {
    /// The object's size and metadata, or nil when it does not exist.
    func head(bucket: String, key: String) async throws(WorkerError) -> StoredObject?
    /// The object's bytes; fails with `tooLarge` as soon as more than `maxBytes` arrive.
    func get(bucket: String, key: String, maxBytes: Int) async throws(WorkerError) -> [UInt8]
    /// Writes an object, replacing any object with the same key; returns its entity tag when the store gives one.
    @discardableResult
    func put(_ upload: ObjectUpload) async throws(WorkerError) -> String?
    /// One page of the objects whose keys start with `prefix`, in ascending UTF-8 byte order of their keys (as S3
    /// orders them): at most `limit`, and only keys strictly after `after` when it is given.
    ///
    /// The last key of a page is the `after` of the next, so a checkpoint is a plain key.
    func list(bucket: String, prefix: String, after: String?, limit: Int) async throws(WorkerError) -> ObjectListing
    /// Deletes an object; deleting one that does not exist is not an error (as on S3).
    func delete(bucket: String, key: String) async throws(WorkerError)
    /// How a person would name the object, e.g. `s3://bucket/key` or a file path.
    func displayName(bucket: String, key: String) -> String
}

/// What a store knows about an object without reading it.
package struct StoredObject: Sendable, Hashable {
    /// Size in bytes.
    package var size: Int
    /// The entity tag, without quotes, when the store has one.
    package var eTag: String?
    /// The user metadata (`x-amz-meta-*` on S3), keys in lower case.
    package var metadata: [String: String]
    /// The version id, in an S3 bucket with versioning; nil elsewhere.
    package var versionID: String?

    /// Creates object facts.
    package init(size: Int, eTag: String? = nil, metadata: [String: String] = [:], versionID: String? = nil) {
        self.size = size
        self.eTag = eTag
        self.metadata = metadata
        self.versionID = versionID
    }
}

/// One object to write.
package struct ObjectUpload: Sendable {
    /// The bucket (or folder).
    package var bucket: String
    /// The key (or relative path).
    package var key: String
    /// The bytes.
    package var body: [UInt8]
    /// The media type, e.g. `image/webp`.
    package var contentType: String
    /// The `Cache-Control` header browsers and CDNs get; nil sends none.
    package var cacheControl: String?
    /// User metadata (`x-amz-meta-*` on S3).
    package var metadata: [String: String]

    /// Creates an upload.
    package init(
        bucket: String, key: String, body: [UInt8], contentType: String, cacheControl: String?,
        metadata: [String: String]
    ) {
        self.bucket = bucket
        self.key = key
        self.body = body
        self.contentType = contentType
        self.cacheControl = cacheControl
        self.metadata = metadata
    }
}
