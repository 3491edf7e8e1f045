import AWSClients
import AppCore
import Foundation
import Logging
import SigV4
import TestSupport
import Testing
import WorkerAWS
import WorkerCore

/// The DynamoDB catalog against ministack: groups and images in two fresh tables per test, keyed as the CloudFormation
/// stack keys them (groups by `id`; images by `groupId` + `timestamp`, with `imageId-index`).
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct DynamoDBCatalogTests {
    /// Runs `body` with a catalog over two new tables.
    func withCatalog(_ body: (DynamoDBCatalog, EmulatorClients) async throws -> Void) async throws {
        try await Emulator.withClients { aws in
            let (groups, images) = try await aws.makeCatalogTables()
            let catalog = DynamoDBCatalog(
                client: aws.dynamoDB, groupsTable: groups, imagesTable: images, logger: Emulator.logger)
            try await body(catalog, aws)
        }
    }

    /// An id as the API makes them: 12 hex digits of milliseconds, then 12 more (here a counter, so tests can tell).
    static func itemID(at time: Date, _ number: Int) -> String {
        let milliseconds = String(UInt64(time.timeIntervalSince1970 * 1000), radix: 16)
        let tail = String(number, radix: 16)
        return String(repeating: "0", count: 12 - milliseconds.count) + milliseconds
            + String(repeating: "0", count: 12 - tail.count) + tail
    }

    /// A group made at `seconds` past a fixed instant.
    static func group(_ number: Int) -> GroupItem {
        let time = Date(timeIntervalSince1970: 1_764_000_000 + Double(number))
        return GroupItem(
            id: itemID(at: time, number), name: "group \(number)", description: number.isMultiple(of: 2) ? "even" : nil,
            owner: number == 1 ? "alice" : nil, createdAt: time)
    }

    /// An image of `groupId` made `milliseconds` past a fixed instant.
    static func image(_ number: Int, in groupId: String, milliseconds: Int) -> ImageItem {
        let time = Date(timeIntervalSince1970: 1_764_000_000 + Double(milliseconds) / 1000)
        return ImageItem(
            id: itemID(at: time, number), groupId: groupId, title: "image \(number)", owner: "bob", createdAt: time)
    }

    /// Every page of a group's images, `limit` a page, at most 50 pages.
    static func allImages(_ catalog: DynamoDBCatalog, inGroup groupId: String, limit: Int) async throws
        -> [[ImageItem]]
    {
        var pages: [[ImageItem]] = []
        var after: String?
        for _ in 0..<50 {
            let page = try await catalog.images(inGroup: groupId, limit: limit, after: after)
            pages.append(page.items)
            guard let next = page.nextAfter else { return pages }
            after = next
        }
        Issue.record("the listing did not end within 50 pages")
        return pages
    }

    @Test("groups: created, read back, listed page by page with every group once; a duplicate id is refused")
    func groups() async throws {
        try await withCatalog { catalog, _ in
            let groups = (1...7).map(Self.group)
            for group in groups {
                try await catalog.createGroup(group)
            }
            #expect(try await catalog.group(id: groups[0].id) == groups[0])
            #expect(try await catalog.group(id: groups[1].id) == groups[1])
            #expect(try await catalog.group(id: Self.itemID(at: Date(), 999)) == nil)

            var listed: [GroupItem] = []
            var after: String?
            var pageSizes: [Int] = []
            for _ in 0..<20 {
                let page = try await catalog.groups(limit: 3, after: after)
                listed += page.items
                pageSizes.append(page.items.count)
                guard let next = page.nextAfter else { break }
                #expect(next == page.items.last?.id)
                after = next
            }
            #expect(pageSizes == [3, 3, 1])
            #expect(listed.count == groups.count)
            #expect(Set(listed) == Set(groups))

            let exact = try await catalog.groups(limit: 7, after: nil)
            #expect(exact.items.count == 7)
            #expect(exact.nextAfter == nil)

            let duplicate = await #expect(throws: AppError.self) { try await catalog.createGroup(groups[2]) }
            #expect(duplicate?.code == .catalogUnusable)
            #expect(duplicate?.message.contains("already exists") == true)

            try await catalog.deleteGroup(id: groups[0].id)
            try await catalog.deleteGroup(id: groups[0].id)
            #expect(try await catalog.group(id: groups[0].id) == nil)
            #expect(try await catalog.groups(limit: 100, after: nil).items.count == 6)
        }
    }

    @Test("images of a group come oldest first across pages of 2, never another group's")
    func imagesInCreationOrder() async throws {
        try await withCatalog { catalog, _ in
            let first = Self.group(1)
            let second = Self.group(2)
            // Made at increasing times; two in the same millisecond, told apart by id.
            let times = [0, 5, 5, 1_000, 61_000]
            let images = times.enumerated().map { Self.image($0.offset + 1, in: first.id, milliseconds: $0.element) }
            let others = (0..<3).map { Self.image(100 + $0, in: second.id, milliseconds: 2 + $0) }
            for image in (images + others).reversed() {
                try await catalog.putImage(image)
            }

            let pages = try await Self.allImages(catalog, inGroup: first.id, limit: 2)
            #expect(pages.map(\.count) == [2, 2, 1])
            #expect(pages.flatMap { $0 } == images)
            #expect(try await Self.allImages(catalog, inGroup: second.id, limit: 2).flatMap { $0 } == others)
            #expect(try await catalog.images(inGroup: Self.group(3).id, limit: 2, after: nil).items.isEmpty)

            let exact = try await catalog.images(inGroup: second.id, limit: 3, after: nil)
            #expect(exact.items == others)
            #expect(exact.nextAfter == nil)
        }
    }

    @Test("a page starts after its image even when that image was deleted since the last page")
    func pageAfterDeletedImage() async throws {
        try await withCatalog { catalog, _ in
            let group = Self.group(1)
            let images = (1...4).map { Self.image($0, in: group.id, milliseconds: $0 * 10) }
            for image in images {
                try await catalog.putImage(image)
            }
            let page = try await catalog.images(inGroup: group.id, limit: 2, after: nil)
            #expect(page.items == Array(images[0..<2]))
            let after = try #require(page.nextAfter)
            try await catalog.deleteImage(id: after)

            let next = try await catalog.images(inGroup: group.id, limit: 2, after: after)
            #expect(next.items == Array(images[2..<4]))
            #expect(next.nextAfter == nil)
        }
    }

    @Test("image(id:) finds an image through imageId-index; putImage replaces it in place")
    func imageByIDAndReplace() async throws {
        try await withCatalog { catalog, aws in
            let group = Self.group(1)
            let image = Self.image(1, in: group.id, milliseconds: 123)
            try await catalog.putImage(image)
            #expect(try await catalog.image(id: image.id) == image)
            #expect(try await catalog.image(id: Self.itemID(at: Date(), 7)) == nil)

            let event = ThumbnailEvent.sampleReady
            let ready = image.applying(event)
            #expect(ready.status == .ready)
            try await catalog.putImage(ready)
            let stored = try #require(try await catalog.image(id: image.id))
            #expect(stored == ready)
            #expect(stored.thumbnails?.count == 2)
            #expect(stored.thumbnails?.first?.key == "small/cat.webp")

            let failed = stored.applying(.sampleFailed)
            try await catalog.putImage(failed)
            #expect(try await catalog.image(id: image.id)?.error == failed.error)

            let listed = try await catalog.images(inGroup: group.id, limit: 10, after: nil)
            #expect(listed.items == [failed])

            // Readable in the console: the fields are attributes, the key is the time then the id.
            let items = try await aws.dynamoDB.scanAll(
                DynamoDB.ScanRequest(tableName: catalog.imagesTable), logger: Emulator.logger)
            let item = try #require(items.first)
            #expect(items.count == 1)
            #expect(item["timestamp"]?.stringValue == "2025-11-24T16:00:00.123Z#\(image.id)")
            #expect(
                item["timestamp"]?.stringValue
                    == DynamoDBCatalog.timestamp(createdAt: image.createdAt, imageID: image.id))
            #expect(item["imageId"]?.stringValue == image.id)
            #expect(item["status"]?.stringValue == "failed")
            #expect(item["title"]?.stringValue == "image 1")
            #expect(item["thumbnails"]?.stringValue?.hasPrefix("[{") == true)
        }
    }

    @Test("deletes: an image and a group go; deleting missing ones is not an error")
    func deletes() async throws {
        try await withCatalog { catalog, _ in
            let group = Self.group(1)
            try await catalog.createGroup(group)
            let images = (1...3).map { Self.image($0, in: group.id, milliseconds: $0) }
            for image in images {
                try await catalog.putImage(image)
            }
            try await catalog.deleteImage(id: images[1].id)
            try await catalog.deleteImage(id: images[1].id)
            try await catalog.deleteImage(id: Self.itemID(at: Date(), 5))
            #expect(try await catalog.image(id: images[1].id) == nil)
            #expect(try await catalog.images(inGroup: group.id, limit: 10, after: nil).items == [images[0], images[2]])

            try await catalog.deleteGroup(id: group.id)
            try await catalog.deleteGroup(id: Self.group(9).id)
            #expect(try await catalog.group(id: group.id) == nil)
        }
    }

    @Test("a table that does not exist is catalogUnusable, and the message names it and what to do")
    func missingTable() async throws {
        try await Emulator.withClients { aws in
            let groups = Emulator.uniqueName("absent-groups")
            let images = Emulator.uniqueName("absent-images")
            let catalog = DynamoDBCatalog(
                client: aws.dynamoDB, groupsTable: groups, imagesTable: images, logger: Emulator.logger)
            let readGroup = await #expect(throws: AppError.self) { try await catalog.group(id: "g") }
            #expect(readGroup?.code == .catalogUnusable)
            #expect(readGroup?.message.contains("the DynamoDB table \(groups) does not exist in us-east-1") == true)
            #expect(readGroup?.message.contains("AppTables=true") == true)
            #expect((readGroup?.cause as? AWSError)?.serviceCode == "ResourceNotFoundException")

            let listImages = await #expect(throws: AppError.self) {
                try await catalog.images(inGroup: "g", limit: 2, after: nil)
            }
            #expect(listImages?.code == .catalogUnusable)
            #expect(listImages?.message.contains(images) == true)
            let put = await #expect(throws: AppError.self) {
                try await catalog.putImage(Self.image(1, in: "g", milliseconds: 1))
            }
            #expect(put?.code == .catalogUnusable)
        }
    }
}

/// The DynamoDB catalog's failures without an emulator: a DynamoDB that cannot be reached may pass.
@Suite struct DynamoDBCatalogUnavailableTests {
    @Test("a refused connection is catalogUnavailable (retryable, 503)")
    func refusedConnection() async throws {
        let error = try await RefusingPort.with { port in
            let transport = HTTPClientTransport()
            let client = AWSClient(
                transport: transport,
                credentialProvider: StaticCredentialProvider(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"),
                retryPolicy: RetryPolicy(maxAttempts: 1))
            let endpoint = AWSEndpoint(
                service: .dynamoDB, region: "eu-west-1", url: try #require(URL(string: "http://127.0.0.1:\(port)")),
                isCustom: true)
            let catalog = DynamoDBCatalog(
                client: DynamoDBClient(client: client, endpoint: endpoint), groupsTable: "groups",
                imagesTable: "images", logger: Emulator.logger)
            let error = await #expect(throws: AppError.self) { try await catalog.group(id: "g") }
            try await transport.shutdown()
            return error
        }
        #expect(error?.code == .catalogUnavailable)
        #expect(error?.code.status == 503)
        #expect(error?.message.contains("groups") == true)
    }

    @Test("the images table's range key sorts as the creation time, to the millisecond, then the id")
    func timestampKey() {
        let id = "0193a1b2c3d4e5f60718293a"
        #expect(
            DynamoDBCatalog.timestamp(createdAt: Date(timeIntervalSince1970: 1_764_000_000), imageID: id)
                == "2025-11-24T16:00:00.000Z#\(id)")
        #expect(
            DynamoDBCatalog.timestamp(createdAt: Date(timeIntervalSince1970: 1_764_000_000.0456), imageID: id)
                == "2025-11-24T16:00:00.046Z#\(id)")
        let times = [0.0, 0.001, 0.5, 9.999, 10, 3_600.25].map { Date(timeIntervalSince1970: 1_764_000_000 + $0) }
        let keys = times.map { DynamoDBCatalog.timestamp(createdAt: $0, imageID: id) }
        #expect(keys == keys.sorted())
    }
}
