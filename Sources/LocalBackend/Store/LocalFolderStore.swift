import Crypto
import Foundation
package import WorkerCore

/// An `ObjectStore` over plain files.
///
/// Without a root (for `process`), the bucket is a folder path and the key a path inside it, and only bytes are
/// written. With a root (the embedded local backend of `run`), every bucket is a folder under the root and each
/// object's Content-Type, Cache-Control, user metadata and MD5 entity tag are kept beside it in
/// `BUCKET/.thumbworker-meta/KEY.json`, so the worker sees the same facts as on S3.
package struct LocalFolderStore: ObjectStore {
    /// The folder whose subfolders are buckets; nil when buckets are folder paths themselves.
    package let root: String?

    /// A store of files; `root` turns on bucket folders and metadata.
    package init(root: String? = nil) {
        self.root = root
    }

    /// The file's size (and, with a root, its metadata), or nil when there is no such file; a folder is refused.
    package func head(bucket: String, key: String) async throws(WorkerError) -> StoredObject? {
        let path = try path(bucket: bucket, key: key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            throw WorkerError(.inputUnreadable, "it is a folder; give the files in it (e.g. \(path)/*)")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular,
            let size = (attributes[.size] as? NSNumber)?.intValue
        else { return nil }
        let sidecar = root.flatMap { Self.readSidecar(Self.sidecarPath(root: $0, bucket: bucket, key: key)) }
        return StoredObject(size: size, eTag: sidecar?.eTag, metadata: sidecar?.metadata ?? [:])
    }

    /// Reads the file, refusing it before reading when it is larger than `maxBytes`.
    package func get(bucket: String, key: String, maxBytes: Int) async throws(WorkerError) -> [UInt8] {
        let path = try path(bucket: bucket, key: key)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw WorkerError(.notFound, "\(path) does not exist")
        }
        if isFolder.boolValue {
            throw WorkerError(.inputUnreadable, "it is a folder; give the files in it (e.g. \(path)/*)")
        }
        if let object = try await head(bucket: bucket, key: key), object.size > maxBytes {
            throw WorkerError(
                .tooLarge, "the file is \(object.size) bytes; the limit is \(maxBytes) (limits.max_input_bytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkerError(.inputUnreadable, "cannot read \(path): check its permissions")
        }
        return [UInt8](data)
    }

    /// Writes the file atomically, creating the folders on its path; with a root, also its metadata.
    @discardableResult
    package func put(_ upload: ObjectUpload) async throws(WorkerError) -> String? {
        let url = URL(fileURLWithPath: try path(bucket: upload.bucket, key: upload.key))
        let eTag = Insecure.MD5.hash(data: upload.body).map { String(format: "%02x", $0) }.joined()
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(upload.body).write(to: url, options: .atomic)
            if let root {
                let sidecar = URL(fileURLWithPath: Self.sidecarPath(root: root, bucket: upload.bucket, key: upload.key))
                try FileManager.default.createDirectory(
                    at: sidecar.deletingLastPathComponent(), withIntermediateDirectories: true)
                let facts = Sidecar(
                    contentType: upload.contentType, cacheControl: upload.cacheControl,
                    metadata: upload.metadata, eTag: eTag)
                try JSONEncoder().encode(facts).write(to: sidecar, options: .atomic)
            }
        } catch {
            throw WorkerError(.outputUnwritable, "cannot write \(url.path): \(error.localizedDescription)")
        }
        return root == nil ? nil : eTag
    }

    /// The file path.
    package func displayName(bucket: String, key: String) -> String {
        (try? path(bucket: bucket, key: key)) ?? "\(bucket)/\(key)"
    }

    /// The file of an object; keys that would leave their bucket (`..`) are refused.
    private func path(bucket: String, key: String) throws(WorkerError) -> String {
        guard let root else {
            return bucket.isEmpty ? key : URL(fileURLWithPath: bucket).appendingPathComponent(key).path
        }
        let parts = ([bucket] + key.split(separator: "/").map(String.init))
        guard !bucket.isEmpty, !key.isEmpty,
            !parts.contains(where: { $0 == ".." || $0 == "." || $0 == Self.sidecarFolder })
        else {
            throw WorkerError(.inputUnreadable, "'\(bucket)/\(key)' is not a usable bucket and key for the local store")
        }
        return parts.reduce(URL(fileURLWithPath: root)) { $0.appendingPathComponent($1) }.path
    }

    /// The metadata file of an object in a bucket under `root`.
    private static func sidecarPath(root: String, bucket: String, key: String) -> String {
        URL(fileURLWithPath: root).appendingPathComponent(bucket).appendingPathComponent(sidecarFolder)
            .appendingPathComponent(key + ".json").path
    }

    private static let sidecarFolder = ".thumbworker-meta"

    private static func readSidecar(_ path: String) -> Sidecar? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(Sidecar.self, from: $0) }
    }

    /// What S3 would know about an object besides its bytes.
    private struct Sidecar: Codable {
        var contentType: String
        var cacheControl: String?
        var metadata: [String: String]
        var eTag: String
    }
}
