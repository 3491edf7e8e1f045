package import Foundation

/// Request and response shapes of the S3 operations this module calls.
package enum S3 {
    /// What HeadObject and GetObject say about an object.
    package struct ObjectMetadata: Sendable, Equatable {
        /// The object's size in bytes.
        package var contentLength: Int
        /// The entity tag, quotes included, as S3 sends it.
        package var eTag: String?
        /// The stored `Content-Type`.
        package var contentType: String?
        /// The stored `Cache-Control`.
        package var cacheControl: String?
        /// When the object was last written.
        package var lastModified: Date?
        /// The version id, in a bucket with versioning.
        package var versionID: String?
        /// The storage class, absent for STANDARD.
        package var storageClass: String?
        /// The server-side encryption applied (`AES256`, `aws:kms`).
        package var serverSideEncryption: String?
        /// The user metadata (`x-amz-meta-*` headers), names lower-cased and without the prefix.
        package var userMetadata: [String: String]

        /// Makes metadata from its parts.
        package init(
            contentLength: Int,
            eTag: String? = nil,
            contentType: String? = nil,
            cacheControl: String? = nil,
            lastModified: Date? = nil,
            versionID: String? = nil,
            storageClass: String? = nil,
            serverSideEncryption: String? = nil,
            userMetadata: [String: String] = [:]
        ) {
            self.contentLength = contentLength
            self.eTag = eTag
            self.contentType = contentType
            self.cacheControl = cacheControl
            self.lastModified = lastModified
            self.versionID = versionID
            self.storageClass = storageClass
            self.serverSideEncryption = serverSideEncryption
            self.userMetadata = userMetadata
        }
    }

    /// A downloaded object: its metadata and every byte.
    package struct Object: Sendable {
        /// What the response headers said.
        package var metadata: ObjectMetadata
        /// The object's content.
        package var body: [UInt8]
    }

    /// How S3 encrypts an object at rest.
    package enum ServerSideEncryption: Sendable, Equatable {
        /// S3-managed keys (`AES256`).
        case s3Managed
        /// A KMS key: the account's default S3 key when `keyID` is `nil`.
        case kms(keyID: String?)
    }

    /// What PutObject stores.
    package struct PutObjectRequest: Sendable {
        /// The bucket.
        package var bucket: String
        /// The object key.
        package var key: String
        /// The content.
        package var body: [UInt8]
        /// The `Content-Type` to store.
        package var contentType: String?
        /// The `Cache-Control` to store.
        package var cacheControl: String?
        /// User metadata, sent as `x-amz-meta-NAME`; names and values must be ASCII.
        package var userMetadata: [String: String]
        /// Encryption at rest; the bucket's default when `nil`.
        package var serverSideEncryption: ServerSideEncryption?
        /// The storage class (`STANDARD_IA`, `INTELLIGENT_TIERING`); STANDARD when `nil`.
        package var storageClass: String?

        /// Makes a request; only bucket, key and body are required.
        package init(
            bucket: String,
            key: String,
            body: [UInt8],
            contentType: String? = nil,
            cacheControl: String? = nil,
            userMetadata: [String: String] = [:],
            serverSideEncryption: ServerSideEncryption? = nil,
            storageClass: String? = nil
        ) {
            self.bucket = bucket
            self.key = key
            self.body = body
            self.contentType = contentType
            self.cacheControl = cacheControl
            self.userMetadata = userMetadata
            self.serverSideEncryption = serverSideEncryption
            self.storageClass = storageClass
        }
    }

    /// What PutObject answers.
    package struct PutObjectResult: Sendable, Equatable {
        /// The new object's entity tag, quotes included.
        package var eTag: String?
        /// The new version's id, in a bucket with versioning.
        package var versionID: String?
    }

    /// One object of a ListObjectsV2 page.
    package struct ObjectSummary: Sendable, Equatable {
        /// The object key, decoded.
        package var key: String
        /// The object's size in bytes.
        package var size: Int
        /// The entity tag, without the quotes S3 puts around it.
        package var eTag: String?
        /// When the object was last written.
        package var lastModified: Date?

        /// Makes a summary from its parts.
        package init(key: String, size: Int, eTag: String? = nil, lastModified: Date? = nil) {
            self.key = key
            self.size = size
            self.eTag = eTag
            self.lastModified = lastModified
        }
    }

    /// One page of ListObjectsV2: objects in ascending UTF-8 byte order of their keys.
    package struct ListObjectsPage: Sendable, Equatable {
        /// The page's objects.
        package var objects: [ObjectSummary]
        /// Whether more objects match after this page.
        package var isTruncated: Bool
        /// The token that asks for the next page, when there is one.
        package var nextContinuationToken: String?
    }
}
