import Foundation
import Imaging

/// An `ObjectStore` over plain files: the bucket is a folder path, the key a path inside it.
///
/// Plain files have no place for metadata, so `put` writes only the bytes and `head` reports none.
package struct LocalFolderStore: ObjectStore {
    /// A store for files on this machine.
    package init() {}

    /// The file's size, or nil when there is no such file.
    package func head(bucket: String, key: String) async throws(WorkerError) -> StoredObject? {
        let path = Self.path(bucket: bucket, key: key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = (attributes[.size] as? NSNumber)?.intValue else { return nil }
        return StoredObject(size: size)
    }

    /// Reads the file, refusing it before reading when it is larger than `maxBytes`.
    package func get(bucket: String, key: String, maxBytes: Int) async throws(WorkerError) -> [UInt8] {
        let path = Self.path(bucket: bucket, key: key)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw WorkerError(.notFound, "\(path) does not exist")
        }
        if isFolder.boolValue {
            throw WorkerError(.inputUnreadable, "\(path) is a folder; give the files in it (e.g. \(path)/*)")
        }
        if let object = try await head(bucket: bucket, key: key), object.size > maxBytes {
            throw WorkerError(imaging: ImagingError(.tooLarge, "the file is \(object.size) bytes; the limit is \(maxBytes) (limits.max_input_bytes)"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkerError(.inputUnreadable, "cannot read \(path): check its permissions")
        }
        return [UInt8](data)
    }

    /// Writes the file atomically, creating the folders on its path; plain files have no entity tag.
    @discardableResult
    package func put(_ upload: ObjectUpload) async throws(WorkerError) -> String? {
        let url = URL(fileURLWithPath: Self.path(bucket: upload.bucket, key: upload.key))
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(upload.body).write(to: url, options: .atomic)
            return nil
        } catch {
            throw WorkerError(.outputUnwritable, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// The file path.
    package func displayName(bucket: String, key: String) -> String {
        Self.path(bucket: bucket, key: key)
    }

    private static func path(bucket: String, key: String) -> String {
        bucket.isEmpty ? key : URL(fileURLWithPath: bucket).appendingPathComponent(key).path
    }
}
