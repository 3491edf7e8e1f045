import Crypto
import Foundation
package import WorkerCore

/// An `ObjectStore` over plain files.
///
/// Without a root (for `process`), the bucket is a folder path and the key a path inside it, and only bytes are
/// written. With a root (the embedded local backend of `run`), every bucket is a folder under the root and each
/// object's Content-Type, Cache-Control, user metadata and MD5 entity tag are kept beside it in
/// `BUCKET/.thumbworker-meta/KEY.json`, so the worker sees the same facts as on S3. A listing walks the bucket
/// folder (without the metadata folder) and orders the relative paths by their UTF-8 bytes, as S3 orders keys.
package struct LocalFolderStore: ObjectStore {
    /// The folder whose subfolders are buckets; nil when buckets are folder paths themselves.
    package let root: String?

    /// A store of files; `root` turns on bucket folders and metadata.
    package init(root: String? = nil) {
        self.root = root
        rootFolder = root.map { URL(fileURLWithPath: $0).path }
    }

    /// `root` as an absolute path, resolved once: every object's path is built from it by joining names.
    private let rootFolder: String?

    /// The file's size (and, with a root, its metadata), or nil when there is no such file; a folder is refused.
    package func head(bucket: String, key: String) async throws(WorkerError) -> StoredObject? {
        let path = try path(bucket: bucket, key: key)
        guard let status = LocalFile.status(path) else { return nil }
        guard status.kind != .folder else { throw Self.folderRefused(path) }
        guard status.kind == .regular else { return nil }
        let sidecar = rootFolder.flatMap { Self.readSidecar(Self.sidecarPath(root: $0, bucket: bucket, key: key)) }
        return StoredObject(size: status.size, eTag: sidecar?.eTag, metadata: sidecar?.metadata ?? [:])
    }

    /// Reads the file, refusing it before reading when it is larger than `maxBytes`.
    package func get(bucket: String, key: String, maxBytes: Int) async throws(WorkerError) -> [UInt8] {
        let path = try path(bucket: bucket, key: key)
        do {
            return try LocalFile.read(path, maxBytes: maxBytes)
        } catch {
            switch error.code {
            case _ where error.isMissing: throw WorkerError(.notFound, "\(path) does not exist")
            case EISDIR: throw Self.folderRefused(path)
            case EFBIG:
                throw WorkerError(
                    .tooLarge,
                    "the file is \(error.size ?? 0) bytes; the limit is \(maxBytes) (limits.max_input_bytes)")
            default: throw WorkerError(.inputUnreadable, "cannot read \(path): \(error.reason); check its permissions")
            }
        }
    }

    /// Writes the file atomically and durably, creating the folders on its path; with a root, also its metadata.
    @discardableResult
    package func put(_ upload: ObjectUpload) async throws(WorkerError) -> String? {
        let path = try path(bucket: upload.bucket, key: upload.key)
        let eTag = Insecure.MD5.hash(data: upload.body).map { String(format: "%02x", $0) }.joined()
        do {
            try LocalFile.writeAtomically(upload.body, to: path)
            if let rootFolder {
                let facts = Sidecar(
                    contentType: upload.contentType, cacheControl: upload.cacheControl,
                    metadata: upload.metadata, eTag: eTag)
                let sidecar = Self.sidecarPath(root: rootFolder, bucket: upload.bucket, key: upload.key)
                try LocalFile.writeAtomically([UInt8](try JSONEncoder().encode(facts)), to: sidecar)
            }
        } catch let failure as LocalFile.Failure {
            throw WorkerError(.outputUnwritable, "cannot write \(failure.path): \(failure.reason)")
        } catch {
            throw WorkerError(.outputUnwritable, "cannot write \(path): \(error)")
        }
        return root == nil ? nil : eTag
    }

    /// The regular files under the bucket folder whose relative paths start with `prefix` and sort after `after`.
    ///
    /// Every page walks the whole folder (skipping folders that cannot hold the prefix): enough for a local bucket.
    package func list(bucket: String, prefix: String, after: String?, limit: Int) async throws(WorkerError)
        -> ObjectListing
    {
        let folder = try existingBucketFolder(bucket)
        guard let walk = FileManager.default.enumerator(atPath: folder) else {
            throw WorkerError(.inputUnreadable, "cannot read the bucket folder \(folder): check its permissions")
        }
        var keys: [String] = []
        while let key = walk.nextObject() as? String {
            switch walk.fileAttributes?[.type] as? FileAttributeType {
            case .typeDirectory?:
                let folderKey = key + "/"
                if key.split(separator: "/").last == Substring(Self.sidecarFolder)
                    || !(folderKey.utf8.starts(with: prefix.utf8) || prefix.utf8.starts(with: folderKey.utf8))
                {
                    walk.skipDescendants()
                }
            case .typeRegular?
            where key.utf8.starts(with: prefix.utf8) && after.map({ Self.precedes($0, key) }) ?? true
                && !LocalFile.isTemporary(key):
                keys.append(key)
            default:
                break
            }
        }
        keys.sort(by: Self.precedes)
        let pageSize = max(limit, 0)
        let objects = keys.prefix(pageSize).compactMap { key -> ListedObject? in
            guard let status = LocalFile.status("\(folder)/\(key)") else { return nil }  // deleted since the walk
            let sidecar = rootFolder.flatMap {
                Self.readSidecar(Self.sidecarPath(root: $0, bucket: bucket, key: key))
            }
            return ListedObject(
                key: key, size: status.size, eTag: sidecar?.eTag,
                lastModified: Date(timeIntervalSince1970: status.modified))
        }
        return ObjectListing(objects: objects, isTruncated: keys.count > pageSize)
    }

    /// Removes the file and, with a root, its metadata; a missing file is not an error, a folder is refused.
    package func delete(bucket: String, key: String) async throws(WorkerError) {
        let path = try path(bucket: bucket, key: key)
        _ = try existingBucketFolder(bucket)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw Self.folderRefused(path)
        }
        do {
            for file in [path] + (rootFolder.map { [Self.sidecarPath(root: $0, bucket: bucket, key: key)] } ?? [])
            where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.removeItem(atPath: file)
            }
        } catch {
            throw WorkerError(.outputUnwritable, "cannot delete \(path): \(error.localizedDescription)")
        }
    }

    /// The file path.
    package func displayName(bucket: String, key: String) -> String {
        (try? path(bucket: bucket, key: key)) ?? "\(bucket)/\(key)"
    }

    /// The file of an object; keys that would leave their bucket (`..`) are refused.
    private func path(bucket: String, key: String) throws(WorkerError) -> String {
        guard let rootFolder else {
            return bucket.isEmpty ? key : URL(fileURLWithPath: bucket).appendingPathComponent(key).path
        }
        let parts = ([bucket] + key.split(separator: "/").map(String.init))
        guard !key.isEmpty, parts.allSatisfy(Self.isUsableName) else {
            throw WorkerError(.inputUnreadable, "'\(bucket)/\(key)' is not a usable bucket and key for the local store")
        }
        return ([rootFolder] + parts).joined(separator: "/")
    }

    /// The folder of a bucket (under the root, or the bucket path itself without one); a `notFound` error when
    /// there is no such folder, as S3 answers `NoSuchBucket`.
    private func existingBucketFolder(_ bucket: String) throws(WorkerError) -> String {
        let folder: String
        if let rootFolder {
            guard Self.isUsableName(bucket) else {
                throw WorkerError(.inputUnreadable, "'\(bucket)' is not a usable bucket name for the local store")
            }
            folder = "\(rootFolder)/\(bucket)"
        } else {
            folder = bucket.isEmpty ? "." : bucket
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw WorkerError(
                .notFound, "the bucket folder \(folder) does not exist: create it, or check the bucket name and root")
        }
        return folder
    }

    /// Whether `name` may be a bucket or a part of a key's path: not empty, `.`, `..` or the metadata folder.
    private static func isUsableName(_ name: String) -> Bool {
        !["", ".", "..", sidecarFolder].contains(name)
    }

    /// The error for a key that names a folder, not a file.
    private static func folderRefused(_ path: String) -> WorkerError {
        WorkerError(.inputUnreadable, "it is a folder; give the files in it (e.g. \(path)/*)")
    }

    /// Whether `key` sorts before `other` in UTF-8 byte order, S3's order of keys.
    private static func precedes(_ key: String, _ other: String) -> Bool {
        key.utf8.lexicographicallyPrecedes(other.utf8)
    }

    /// The metadata file of an object in a bucket under `root`.
    private static func sidecarPath(root: String, bucket: String, key: String) -> String {
        "\(root)/\(bucket)/\(sidecarFolder)/\(key).json"
    }

    private static let sidecarFolder = ".thumbworker-meta"

    private static func readSidecar(_ path: String) -> Sidecar? {
        (try? LocalFile.read(path)).flatMap {
            try? JSONDecoder().decode(Sidecar.self, from: Data($0))
        }
    }

    /// What S3 would know about an object besides its bytes.
    private struct Sidecar: Codable {
        var contentType: String
        var cacheControl: String?
        var metadata: [String: String]
        var eTag: String
    }
}
