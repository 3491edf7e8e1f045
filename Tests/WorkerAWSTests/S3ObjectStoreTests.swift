import AWSClients
import Foundation
import SigV4
import TestSupport
import Testing
import WorkerAWS
import WorkerCore

/// `S3ObjectStore`'s listing and deleting against ministack with signature checking on; every test makes its own bucket.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason), .timeLimit(.minutes(1)))
struct S3ObjectStoreTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    /// 30 keys: spaces, `+`, `%`, `&`, a control character (which XML 1.0 cannot carry unencoded), a precomposed and
    /// a decomposed `é` (equal as Swift strings, distinct as keys), emoji, nested prefixes, and UTF-8 orders that
    /// differ from a folder walk's (`-` < `/` < `0`) and from case-blind order.
    static let keys =
        [
            "a-b.jpg", "a/x.jpg", "a0.jpg", "B.jpg", "caf\u{E9}.jpg", "cafe\u{301}.jpg", "in/my photo.jpg",
            "in/a+b%20c.png", "in/100%.jpg", "in/a+b=c&d.jpg", "in/sub/deep/er/x.webp", "in/subway/y.webp",
            "ü/東京 🙂.png", "ctrl\u{1}char.jpg", "tilde~(paren)!star*'quote.jpg", "deep/nested//dir/file.webp",
        ] + (0..<14).map { "gen/\($0 % 3)/file \($0).jpg" }

    /// `keys` as their UTF-8 bytes, so that comparisons tell canonically equal keys apart.
    static func bytes(_ keys: [String]) -> [[UInt8]] {
        keys.map { Array($0.utf8) }
    }

    /// A new bucket holding `keys`, each with its key's bytes as content, and the store over it; returns the entity
    /// tags `put` gave, by key bytes.
    static func bucket(_ aws: EmulatorClients, holding keys: [String]) async throws
        -> (store: S3ObjectStore, bucket: String, eTags: [[UInt8]: String])
    {
        let store = S3ObjectStore(client: aws.s3, logger: logger)
        let bucket = try await aws.makeBucket()
        var eTags: [[UInt8]: String] = [:]
        for key in keys {
            let upload = ObjectUpload(
                bucket: bucket, key: key, body: Array(key.utf8), contentType: "image/jpeg", cacheControl: nil,
                metadata: [:])
            eTags[Array(key.utf8)] = try #require(try await store.put(upload))
        }
        return (store, bucket, eTags)
    }

    /// Every page of `prefix`, `limit` at a time, each started after the previous page's last key.
    static func pages(_ store: S3ObjectStore, _ bucket: String, prefix: String = "", after: String? = nil, limit: Int)
        async throws -> [ObjectListing]
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

    @Test("30 objects 7 at a time: pages of 7, 7, 7, 7 and 2, every key once and decoded, in UTF-8 byte order")
    func pagination() async throws {
        try await Emulator.withClients { aws in
            let (store, bucket, eTags) = try await Self.bucket(aws, holding: Self.keys.shuffled())
            let before = Date().addingTimeInterval(-300)

            let pages = try await Self.pages(store, bucket, limit: 7)

            #expect(pages.map(\.objects.count) == [7, 7, 7, 7, 2])
            #expect(pages.map(\.isTruncated) == [true, true, true, true, false])
            let listed = pages.flatMap(\.objects)
            #expect(Self.bytes(listed.map(\.key)) == Self.bytes(Self.keys).sorted { $0.lexicographicallyPrecedes($1) })
            for object in listed {
                #expect(object.size == object.key.utf8.count, "\(object.key)")
                #expect(object.eTag == eTags[Array(object.key.utf8)], "unquoted, as put gave it: \(object.key)")
                #expect(object.lastModified.map { $0 > before } == true, "\(object.key)")
                #expect(try await store.head(bucket: bucket, key: object.key)?.size == object.size)
            }
        }
    }

    @Test("a prefix selects by bytes; after is strict, need not be a key, and pages inside the prefix")
    func prefixAndAfter() async throws {
        try await Emulator.withClients { aws in
            let (store, bucket, _) = try await Self.bucket(aws, holding: Self.keys)

            let sub = try await store.list(bucket: bucket, prefix: "in/sub", after: nil, limit: 100)
            #expect(sub.objects.map(\.key) == ["in/sub/deep/er/x.webp", "in/subway/y.webp"])
            #expect(!sub.isTruncated)
            let precomposed = try await store.list(bucket: bucket, prefix: "caf\u{E9}", after: nil, limit: 100)
            #expect(Self.bytes(precomposed.objects.map(\.key)) == Self.bytes(["caf\u{E9}.jpg"]))

            let inside = try await Self.pages(store, bucket, prefix: "in/", after: "in/a+b%20c.png", limit: 2)
            #expect(
                inside.flatMap(\.objects).map(\.key) == [
                    "in/a+b=c&d.jpg", "in/my photo.jpg", "in/sub/deep/er/x.webp", "in/subway/y.webp",
                ])
            #expect(inside.map(\.isTruncated) == [true, false])
            let gap = try await store.list(bucket: bucket, prefix: "", after: "in/b", limit: 1)
            #expect(gap.objects.map(\.key) == ["in/my photo.jpg"])
            #expect(gap.isTruncated)
            let past = try await store.list(bucket: bucket, prefix: "in/", after: "in/z", limit: 5)
            #expect(past == ObjectListing(objects: [], isTruncated: false))
        }
    }

    @Test("delete removes only its object; deleting a missing key succeeds")
    func delete() async throws {
        try await Emulator.withClients { aws in
            let (store, bucket, _) = try await Self.bucket(aws, holding: ["in/a b+c%.jpg", "in/a b+c%.jpg.webp"])

            try await store.delete(bucket: bucket, key: "in/a b+c%.jpg")

            #expect(try await store.head(bucket: bucket, key: "in/a b+c%.jpg") == nil)
            #expect(try await store.head(bucket: bucket, key: "in/a b+c%.jpg.webp") != nil)
            let listed = try await store.list(bucket: bucket, prefix: "", after: nil, limit: 10).objects
            #expect(listed.map(\.key) == ["in/a b+c%.jpg.webp"])
            try await store.delete(bucket: bucket, key: "in/a b+c%.jpg")
            try await store.delete(bucket: bucket, key: "never/was.jpg")
        }
    }

    @Test("listing or deleting in a missing bucket is a permanent notFound that names the bucket")
    func missingBucket() async throws {
        try await Emulator.withClients { aws in
            let store = S3ObjectStore(client: aws.s3, logger: Self.logger)
            let bucket = Emulator.uniqueName("missing")
            let listing = await #expect(throws: WorkerError.self) {
                try await store.list(bucket: bucket, prefix: "", after: nil, limit: 10)
            }
            let deletion = await #expect(throws: WorkerError.self) {
                try await store.delete(bucket: bucket, key: "a.jpg")
            }
            for error in [listing, deletion] {
                #expect(error?.code == .notFound)
                #expect(error?.isRetryable == false)
                #expect(error?.message.contains("'\(bucket)'") == true, "\(error?.message ?? "no error")")
                #expect((error?.cause as? AWSError)?.serviceCode == "NoSuchBucket")
            }
        }
    }

    @Test("head gives the version id in a bucket with versioning, and none without")
    func versionID() async throws {
        try await Emulator.withClients { aws in
            let (store, bucket, _) = try await Self.bucket(aws, holding: ["plain.jpg"])
            #expect(try await store.head(bucket: bucket, key: "plain.jpg")?.versionID == nil)

            let versioning = """
                <VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <Status>Enabled</Status></VersioningConfiguration>
                """
            _ = try await aws.client.send(
                AWSHTTPRequest(
                    method: "PUT", url: aws.s3.endpoint.url(path: "/\(bucket)", query: "versioning"),
                    headers: [HTTPHeader(name: "Content-Type", value: "application/xml")], body: Array(versioning.utf8)),
                to: aws.s3.endpoint, operation: "S3.PutBucketVersioning", logger: Self.logger)
            let put = try await aws.s3.putObject(
                S3.PutObjectRequest(bucket: bucket, key: "versioned.jpg", body: [1, 2, 3]), logger: Self.logger)

            let versionID = try #require(put.versionID)
            #expect(try await store.head(bucket: bucket, key: "versioned.jpg")?.versionID == versionID)
        }
    }
}
