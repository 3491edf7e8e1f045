import Synchronization
import WorkerCore

/// An object store in memory, with a hook to make calls fail (for unit tests of the job logic only).
final class InMemoryObjectStore: ObjectStore {
    struct Object {
        var body: [UInt8]
        var contentType: String
        var cacheControl: String?
        var metadata: [String: String]
        var eTag: String
    }

    private let state = Mutex<(objects: [String: Object], puts: Int, gets: Int)>(([:], 0, 0))
    /// Called before every operation with its name (`head`, `get`, `put`, `list`, `delete`); throw to fail it.
    let failure: @Sendable (String, String) throws(WorkerError) -> Void

    init(failure: @escaping @Sendable (String, String) throws(WorkerError) -> Void = { _, _ in }) {
        self.failure = failure
    }

    var putCount: Int { state.withLock { $0.puts } }
    var getCount: Int { state.withLock { $0.gets } }

    func object(_ bucket: String, _ key: String) -> Object? {
        state.withLock { $0.objects["\(bucket)/\(key)"] }
    }

    func keys(in bucket: String) -> [String] {
        state.withLock {
            $0.objects.keys.filter { $0.hasPrefix(bucket + "/") }.map { String($0.dropFirst(bucket.count + 1)) }
                .sorted()
        }
    }

    func add(_ bucket: String, _ key: String, _ body: [UInt8], metadata: [String: String] = [:]) {
        state.withLock {
            $0.objects["\(bucket)/\(key)"] = Object(
                body: body, contentType: "application/octet-stream", metadata: metadata,
                eTag: "etag-\(body.count)-\(body.reduce(0) { $0 &+ Int($1) })")
        }
    }

    func head(bucket: String, key: String) async throws(WorkerError) -> StoredObject? {
        try failure("head", key)
        return state.withLock { state in
            state.objects["\(bucket)/\(key)"].map {
                StoredObject(size: $0.body.count, eTag: $0.eTag, metadata: $0.metadata)
            }
        }
    }

    func get(bucket: String, key: String, maxBytes: Int) async throws(WorkerError) -> [UInt8] {
        try failure("get", key)
        let body = state.withLock { state -> [UInt8]? in
            state.gets += 1
            return state.objects["\(bucket)/\(key)"]?.body
        }
        guard let body else { throw WorkerError(.notFound, "\(bucket)/\(key) does not exist") }
        return body
    }

    func put(_ upload: ObjectUpload) async throws(WorkerError) -> String? {
        try failure("put", upload.key)
        let eTag = "etag-\(upload.body.count)"
        state.withLock {
            $0.puts += 1
            $0.objects["\(upload.bucket)/\(upload.key)"] = Object(
                body: upload.body, contentType: upload.contentType, cacheControl: upload.cacheControl,
                metadata: upload.metadata, eTag: eTag)
        }
        return eTag
    }

    func list(bucket: String, prefix: String, after: String?, limit: Int) async throws(WorkerError) -> ObjectListing {
        try failure("list", prefix)
        let matching = state.withLock { state in
            state.objects.compactMap { path, object -> ListedObject? in
                guard path.utf8.starts(with: (bucket + "/").utf8) else { return nil }
                let key = String(path.dropFirst(bucket.count + 1))
                guard key.utf8.starts(with: prefix.utf8),
                    after.map({ $0.utf8.lexicographicallyPrecedes(key.utf8) }) ?? true
                else { return nil }
                return ListedObject(key: key, size: object.body.count, eTag: object.eTag)
            }
        }
        .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return ObjectListing(objects: Array(matching.prefix(limit)), isTruncated: matching.count > limit)
    }

    func delete(bucket: String, key: String) async throws(WorkerError) {
        try failure("delete", key)
        _ = state.withLock { $0.objects.removeValue(forKey: "\(bucket)/\(key)") }
    }

    func displayName(bucket: String, key: String) -> String { "memory://\(bucket)/\(key)" }
}
