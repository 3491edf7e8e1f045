import AppCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import LocalBackend
import NIOCore
import Serve
import Synchronization
import TestSupport
import Testing
import WorkerCore

extension LocalApp {
    /// Creates a group and an image in it; returns the image's id and its upload URL's path and query.
    func newImage(_ client: some TestClientProtocol) async throws -> (id: String, upload: String) {
        try await createImage(client, in: try await createGroup(client, name: "trip"))
    }

    /// The keys of the S3 events in the queue.
    func enqueuedKeys() async throws -> [String] {
        try await queue.receive(maxMessages: 10, wait: .zero, visibilityTimeout: .seconds(30)).flatMap {
            try S3EventParser.parse(body: $0.body).jobs.map(\.key)
        }
    }
}

@Suite("serve: uploads to the local buckets by presigned URL")
struct LocalUploadTests {
    @Test("a PUT to the upload URL stores the original and enqueues its S3 event")
    func uploadStoresAndEnqueues() async throws {
        let uploads = try LocalApp()
        try await uploads.application.test(.router) { client in
            let (id, upload) = try await uploads.newImage(client)
            let photo = try Testdata.bytes("landscape.jpg")
            try await client.execute(
                uri: upload, method: .put, headers: [.contentType: "image/jpeg"], body: ByteBuffer(bytes: photo)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.headers[.eTag] != nil)
            }
            let key = ImageItem.objectKey(
                groupId: try #require(try await uploads.catalog.image(id: id)).groupId, imageId: id)
            #expect(try await uploads.store.head(bucket: "uploads", key: key)?.size == photo.count)
            #expect(try await uploads.enqueuedKeys() == [key])
        }
    }

    @Test(
        "a tampered, expired or differently typed upload is refused with S3's 403 document, and nothing is stored",
        arguments: ["signature", "key", "expired", "content type"])
    func refusedUploads(tampering: String) async throws {
        let uploads = try LocalApp()
        try await uploads.application.test(.router) { client in
            var (_, upload) = try await uploads.newImage(client)
            var contentType = "image/jpeg"
            switch tampering {
            case "signature":
                let signature = try #require(upload.range(of: "X-Amz-Signature="))
                let digit = upload[signature.upperBound]
                upload.replaceSubrange(
                    signature.upperBound...signature.upperBound, with: digit == "0" ? "1" : "0")
            case "key":
                upload = upload.replacingOccurrences(of: "/local/uploads/groups/", with: "/local/uploads/groupz/")
            case "content type": contentType = "image/png"
            case "expired": uploads.time.now.withLock { $0 += 901 }
            default: break
            }
            try await client.execute(
                uri: upload, method: .put, headers: [.contentType: contentType], body: ByteBuffer(bytes: [1, 2, 3])
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType] == "application/xml")
                #expect(String(buffer: response.body).contains("<Code>"))
            }
            #expect(try await uploads.store.list(bucket: "uploads", prefix: "", after: nil, limit: 10).objects.isEmpty)
            #expect(try await uploads.enqueuedKeys().isEmpty)
        }
    }

    @Test("an upload over limits.max_input_bytes is refused with 413 before it is stored")
    func tooLarge() async throws {
        let uploads = try LocalApp(maxInputBytes: 100)
        try await uploads.application.test(.router) { client in
            let (_, upload) = try await uploads.newImage(client)
            try await client.execute(
                uri: upload, method: .put, headers: [.contentType: "image/jpeg"],
                body: ByteBuffer(bytes: [UInt8](repeating: 7, count: 101))
            ) { #expect($0.status == .contentTooLarge) }
            #expect(try await uploads.enqueuedKeys().isEmpty)
        }
    }

    @Test(
        "the worker's ready event makes the image ready with its thumbnails, served with caching headers; DELETE removes all"
    )
    func readyThumbnailsServedThenDeleted() async throws {
        let uploads = try LocalApp()
        try await uploads.application.test(.router) { client in
            let (id, _) = try await uploads.newImage(client)
            let image = try #require(try await uploads.catalog.image(id: id))
            let thumbnailKey = image.objectKey + ".jpeg"
            let thumbnail = try Testdata.bytes("landscape.jpg")
            let eTag = try await uploads.store.put(
                ObjectUpload(
                    bucket: "thumbnails", key: thumbnailKey, body: thumbnail, contentType: "image/jpeg",
                    cacheControl: nil, metadata: [:]))
            try await uploads.store.put(
                ObjectUpload(
                    bucket: "uploads", key: image.objectKey, body: thumbnail, contentType: "image/jpeg",
                    cacheControl: nil, metadata: [:]))
            var event = ThumbnailEvent(
                type: ThumbnailEvent.readyType, imageId: image.objectKey, time: Date(), workerId: "test",
                source: .init(bucket: "uploads", key: image.objectKey))
            event.renditions = [
                .init(
                    name: "thumb", bucket: "thumbnails", key: thumbnailKey, url: nil, format: .jpeg, width: 150,
                    height: 100, bytes: thumbnail.count, eTag: eTag)
            ]
            try await uploads.notifier.notify(event)

            try await client.execute(uri: "/images/\(id)", method: .get) { response in
                let item = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(item["status"] as? String == "ready")
                #expect((item["thumbnails"] as? [[String: Any]])?.first?["key"] as? String == thumbnailKey)
                #expect(
                    (item["thumbnails"] as? [[String: Any]])?.first?["url"] as? String
                        == "/local/thumbnails/\(thumbnailKey)")
            }
            let tag = try await client.execute(uri: "/local/thumbnails/\(thumbnailKey)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(response.headers[.cacheControl] == "public, max-age=60")
                #expect(response.body.readableBytes == thumbnail.count)
                return try #require(response.headers[.eTag])
            }
            try await client.execute(
                uri: "/local/thumbnails/\(thumbnailKey)", method: .get, headers: [.ifNoneMatch: tag]
            ) { #expect($0.status == .notModified) }

            try await client.execute(uri: "/images/\(id)", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/images/\(id)", method: .get) { #expect($0.status == .notFound) }
            #expect(try await uploads.store.head(bucket: "uploads", key: image.objectKey) == nil)
            #expect(try await uploads.store.head(bucket: "thumbnails", key: thumbnailKey) == nil)
        }
    }

    @Test("only the thumbnail bucket's thumbnails are served: originals, metadata and odd keys are 404s")
    func servesThumbnailsOnly() async throws {
        let uploads = try LocalApp()
        try await uploads.store.put(
            ObjectUpload(
                bucket: "uploads", key: "groups/a/b", body: [1, 2, 3], contentType: "image/jpeg", cacheControl: nil,
                metadata: [:]))
        try await uploads.application.test(.router) { client in
            for uri in [
                "/local/uploads/groups/a/b", "/local/thumbnails/.thumbworker-meta/x", "/local/thumbnails/a/%2E%2E/b",
                "/local/thumbnails/missing.jpeg",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(String(buffer: response.body).contains("<Code>NoSuchKey</Code>"), "\(uri)")
                }
            }
        }
    }
}
