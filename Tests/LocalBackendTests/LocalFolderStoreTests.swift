import Foundation
import LocalBackend
import TestSupport
import Testing
import WorkerCore

/// Folders as buckets: reads and atomic writes, and listing and deleting with S3's order of keys and its forgiving
/// delete.
@Suite("LocalFolderStore reads, writes, lists and deletes as S3 does")
final class LocalFolderStoreTests: Sendable {
    /// A new folder per test, removed after it: the store's root.
    let root: URL
    /// The store with bucket folders and metadata under `root`.
    let store: LocalFolderStore

    /// Makes the test's root.
    init() throws {
        root = try TemporaryFolder.make()
        store = LocalFolderStore(root: root.path)
    }

    /// Removes the test's root.
    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Keys whose UTF-8 order differs from a folder walk's and from Swift's string order: `-` < `/` < `0`, capitals
    /// first, a precomposed and a decomposed `é` (equal as Swift strings, distinct as keys), spaces, `+`, `%`.
    static let trickyKeys = [
        "a-b.jpg", "a/x.jpg", "a0.jpg", "B.jpg", "caf\u{E9}.jpg", "cafe\u{301}.jpg", "in/my photo.jpg",
        "in/a+b%20c.png", "in/sub/deep/er/x.webp", "in/subway/y.webp", "ü/東京 🙂.png",
    ]

    /// `keys` as their UTF-8 bytes, so that comparisons tell canonically equal keys apart.
    static func bytes(_ keys: [String]) -> [[UInt8]] {
        keys.map { Array($0.utf8) }
    }

    /// Writes `keys` to `bucket` through the store, each with its own bytes; returns each key's entity tag.
    func put(_ keys: [String], in bucket: String = "photos") async throws -> [[UInt8]: String] {
        var eTags: [[UInt8]: String] = [:]
        for key in keys {
            let upload = ObjectUpload(
                bucket: bucket, key: key, body: Array(key.utf8), contentType: "image/jpeg", cacheControl: nil,
                metadata: [:])
            eTags[Array(key.utf8)] = try #require(try await store.put(upload))
        }
        return eTags
    }

    /// Every page of `prefix` in `bucket`, `limit` at a time, each started after the previous page's last key.
    func pages(_ bucket: String = "photos", prefix: String = "", after: String? = nil, limit: Int) async throws
        -> [ObjectListing]
    {
        var pages: [ObjectListing] = []
        var cursor = after
        repeat {
            let page = try await store.list(bucket: bucket, prefix: prefix, after: cursor, limit: limit)
            pages.append(page)
            cursor = page.objects.last?.key
            try #require(pages.count <= 100, "the listing ends")
        } while pages.last?.isTruncated == true
        return pages
    }

    @Test("25 files 7 at a time: pages of 7, 7, 7 and 4, every key once, in UTF-8 byte order, with size and date")
    func pagination() async throws {
        let keys = Self.trickyKeys + (0..<14).map { "gen/\($0 % 3)/file \($0).jpg" }
        let eTags = try await put(keys.shuffled())
        let before = Date().addingTimeInterval(-60)

        let pages = try await pages(limit: 7)

        #expect(pages.map(\.objects.count) == [7, 7, 7, 4])
        #expect(pages.map(\.isTruncated) == [true, true, true, false])
        let listed = pages.flatMap(\.objects)
        #expect(Self.bytes(listed.map(\.key)) == Self.bytes(keys).sorted { $0.lexicographicallyPrecedes($1) })
        for object in listed {
            #expect(object.size == object.key.utf8.count)
            #expect(object.eTag == eTags[Array(object.key.utf8)], "the entity tag comes from the metadata file")
            #expect(object.lastModified.map { $0 > before } == true)
        }
    }

    @Test("UTF-8 byte order, not folder order nor Swift's string order")
    func byteOrder() async throws {
        _ = try await put(Self.trickyKeys)
        let listed = try await store.list(bucket: "photos", prefix: "", after: nil, limit: 100).objects.map(\.key)
        #expect(
            Self.bytes(listed)
                == Self.bytes([
                    "B.jpg", "a-b.jpg", "a/x.jpg", "a0.jpg", "cafe\u{301}.jpg", "caf\u{E9}.jpg", "in/a+b%20c.png",
                    "in/my photo.jpg", "in/sub/deep/er/x.webp", "in/subway/y.webp", "ü/東京 🙂.png",
                ]))
    }

    @Test(
        "a prefix selects by the key's bytes, across and inside folders",
        arguments: [
            ("in/sub", ["in/sub/deep/er/x.webp", "in/subway/y.webp"]),
            ("in/sub/", ["in/sub/deep/er/x.webp"]),
            ("in/sub/deep/er/x.webp", ["in/sub/deep/er/x.webp"]),
            ("a", ["a-b.jpg", "a/x.jpg", "a0.jpg"]),
            ("caf\u{E9}", ["caf\u{E9}.jpg"]),
            ("nothing", []),
        ])
    func prefix(prefix: String, expected: [String]) async throws {
        _ = try await put(Self.trickyKeys)
        let page = try await store.list(bucket: "photos", prefix: prefix, after: nil, limit: 100)
        #expect(Self.bytes(page.objects.map(\.key)) == Self.bytes(expected))
        #expect(!page.isTruncated)
    }

    @Test("after is strict and need not be a key; with a prefix it pages inside the prefix")
    func after() async throws {
        _ = try await put(Self.trickyKeys)
        let fromKey = try await store.list(bucket: "photos", prefix: "", after: "a/x.jpg", limit: 2)
        #expect(Self.bytes(fromKey.objects.map(\.key)) == Self.bytes(["a0.jpg", "cafe\u{301}.jpg"]))
        #expect(fromKey.isTruncated)
        let fromGap = try await store.list(bucket: "photos", prefix: "", after: "in/b", limit: 100)
        #expect(fromGap.objects.first?.key == "in/my photo.jpg")
        #expect(!fromGap.isTruncated)

        let inPrefix = try await pages(prefix: "in/", after: "in/a+b%20c.png", limit: 1)
        #expect(
            inPrefix.flatMap(\.objects).map(\.key) == ["in/my photo.jpg", "in/sub/deep/er/x.webp", "in/subway/y.webp"],
            "a page of one: the last key of each page is the start of the next")
        let past = try await store.list(bucket: "photos", prefix: "in/", after: "in/z", limit: 5)
        #expect(past == ObjectListing(objects: [], isTruncated: false))
    }

    @Test("the metadata folder is not listed, and neither are folders themselves")
    func sidecarsSkipped() async throws {
        _ = try await put(["a.jpg", "nested/b.jpg"])
        let sidecars = root.appending(path: "photos/.thumbworker-meta")
        #expect(FileManager.default.fileExists(atPath: sidecars.appending(path: "nested/b.jpg.json").path))
        try FileManager.default.createDirectory(
            at: root.appending(path: "photos/empty/folder"), withIntermediateDirectories: true)

        let page = try await store.list(bucket: "photos", prefix: "", after: nil, limit: 100)
        #expect(page.objects.map(\.key) == ["a.jpg", "nested/b.jpg"])
        let hidden = try await store.list(bucket: "photos", prefix: ".thumbworker-meta", after: nil, limit: 100)
        #expect(hidden.objects.isEmpty)
    }

    @Test("without a root the bucket is a folder path; files written by hand have no entity tag")
    func plainFolder() async throws {
        let folder = root.appending(path: "plain")
        try FileManager.default.createDirectory(at: folder.appending(path: "sub"), withIntermediateDirectories: true)
        try Data("12345".utf8).write(to: folder.appending(path: "sub/one.jpg"))
        try Data("1".utf8).write(to: folder.appending(path: "two.jpg"))

        let page = try await LocalFolderStore().list(bucket: folder.path, prefix: "", after: nil, limit: 10)
        #expect(page.objects.map(\.key) == ["sub/one.jpg", "two.jpg"])
        #expect(page.objects.map(\.size) == [5, 1])
        #expect(page.objects.allSatisfy { $0.eTag == nil && $0.lastModified != nil })
    }

    @Test("delete removes the file and its metadata; the neighbours stay; deleting again is fine")
    func delete() async throws {
        _ = try await put(["in/a.jpg", "in/b.jpg"])
        let sidecar = root.appending(path: "photos/.thumbworker-meta/in/a.jpg.json")
        #expect(FileManager.default.fileExists(atPath: sidecar.path))

        try await store.delete(bucket: "photos", key: "in/a.jpg")

        #expect(try await store.head(bucket: "photos", key: "in/a.jpg") == nil)
        #expect(!FileManager.default.fileExists(atPath: sidecar.path))
        #expect(try await store.head(bucket: "photos", key: "in/b.jpg") != nil)
        #expect(
            try await store.list(bucket: "photos", prefix: "", after: nil, limit: 10).objects.map(\.key) == ["in/b.jpg"]
        )
        try await store.delete(bucket: "photos", key: "in/a.jpg")
        try await store.delete(bucket: "photos", key: "never/was.jpg")
    }

    @Test("a missing bucket folder is a permanent notFound that names the folder, for list and delete")
    func missingBucket() async throws {
        let folder = root.appending(path: "nope").path
        let listing = await #expect(throws: WorkerError.self) {
            try await self.store.list(bucket: "nope", prefix: "", after: nil, limit: 10)
        }
        let deletion = await #expect(throws: WorkerError.self) {
            try await self.store.delete(bucket: "nope", key: "a.jpg")
        }
        for error in [listing, deletion] {
            #expect(error?.code == .notFound)
            #expect(error?.isRetryable == false)
            #expect(error?.message.contains(folder) == true, "\(error?.message ?? "no error") names \(folder)")
        }
    }

    @Test("deleting a key that names a folder is refused and removes nothing")
    func deleteFolder() async throws {
        _ = try await put(["in/a.jpg"])
        let error = await #expect(throws: WorkerError.self) {
            try await self.store.delete(bucket: "photos", key: "in")
        }
        #expect(error?.code == .inputUnreadable)
        #expect(try await store.head(bucket: "photos", key: "in/a.jpg") != nil)
    }
}

/// Reading and writing single objects: atomic replacement, missing folders made, and errors that say what to do.
extension LocalFolderStoreTests {
    /// An upload of `body` to `key` in the bucket `photos`.
    static func upload(_ key: String, _ body: [UInt8]) -> ObjectUpload {
        ObjectUpload(
            bucket: "photos", key: key, body: body, contentType: "image/webp", cacheControl: "max-age=60",
            metadata: ["source": "a.jpg"])
    }

    /// The names in `folder`, hidden ones included.
    func names(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path).sorted()
    }

    @Test("a put makes the missing folders, replaces the old file whole, and leaves no temporary file behind")
    func putReplaces() async throws {
        let first = try await store.put(Self.upload("in/deep/er/a.webp", [1, 2, 3]))
        let second = try await store.put(Self.upload("in/deep/er/a.webp", Array(repeating: 7, count: 100_000)))
        #expect(first != second)
        let bytes = try await store.get(bucket: "photos", key: "in/deep/er/a.webp", maxBytes: 1 << 20)
        #expect(bytes == Array(repeating: 7, count: 100_000))
        #expect(try names(in: "photos/in/deep/er") == ["a.webp"])
        let head = try #require(try await store.head(bucket: "photos", key: "in/deep/er/a.webp"))
        #expect(head.size == 100_000)
        #expect(head.eTag == second)
        #expect(head.metadata == ["source": "a.jpg"])
    }

    @Test("a temporary file left by a process that died mid-write is not listed")
    func temporaryNotListed() async throws {
        try await store.put(Self.upload("a.webp", [1]))
        let leftover = root.appendingPathComponent("photos/.b.webp.1234.partial")
        try Data([1, 2]).write(to: leftover)
        let page = try await store.list(bucket: "photos", prefix: "", after: nil, limit: 10)
        #expect(page.objects.map(\.key) == ["a.webp"])
    }

    @Test("get: a missing file is notFound, a folder is refused, a file over the limit is tooLarge before reading")
    func getErrors() async throws {
        try await store.put(Self.upload("in/a.webp", Array(repeating: 1, count: 5000)))
        let missing = await #expect(throws: WorkerError.self) {
            try await self.store.get(bucket: "photos", key: "in/b.webp", maxBytes: 1 << 20)
        }
        #expect(missing?.code == .notFound)
        #expect(missing?.message.contains("in/b.webp does not exist") == true, "\(missing?.message ?? "")")
        let folder = await #expect(throws: WorkerError.self) {
            try await self.store.get(bucket: "photos", key: "in", maxBytes: 1 << 20)
        }
        #expect(folder?.code == .inputUnreadable)
        #expect(folder?.message.contains("it is a folder") == true, "\(folder?.message ?? "")")
        let large = await #expect(throws: WorkerError.self) {
            try await self.store.get(bucket: "photos", key: "in/a.webp", maxBytes: 4999)
        }
        #expect(large?.code == .tooLarge)
        #expect(large?.message.contains("5000 bytes; the limit is 4999") == true, "\(large?.message ?? "")")
        #expect(try await store.get(bucket: "photos", key: "in/a.webp", maxBytes: 5000).count == 5000)
    }

    @Test("a put where a file stands in place of a folder fails with outputUnwritable naming the path")
    func putBlocked() async throws {
        try await store.put(Self.upload("in", [1]))
        let error = await #expect(throws: WorkerError.self) {
            try await self.store.put(Self.upload("in/a.webp", [2]))
        }
        #expect(error?.code == .outputUnwritable)
        #expect(error?.message.contains("cannot write") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("Not a directory") == true, "\(error?.message ?? "")")
        #expect(try await store.get(bucket: "photos", key: "in", maxBytes: 10) == [1])
    }
}
