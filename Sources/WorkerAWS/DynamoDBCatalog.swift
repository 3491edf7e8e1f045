package import AWSClients
package import AppCore
package import Foundation
package import Logging

/// The app's groups and images in two DynamoDB tables (the catalog on AWS), each field of an item an attribute.
///
/// - groups: hash key `id` (S); attributes `name`, `description`, `owner`, `createdAt` (absent ones left out).
/// - images: hash key `groupId` (S), range key `timestamp` (S) = `createdAt` as ISO-8601 UTC with milliseconds, `#`,
///   the image id (`2026-12-04T18:28:14.123Z#0193a1b2c3d4e5f60718293a`), so a group's partition sorts oldest first
///   and no two images share a key; a global secondary index `imageId-index` on `imageId` (S), projection ALL, finds
///   an image by id. Attributes `imageId`, `title`, `owner`, `createdAt`, `objectKey`, `status`, and `thumbnails`,
///   `placeholder`, `error` as JSON strings (the same JSON the API shows).
///
/// `createdAt` is kept to the millisecond. An image's group and `createdAt` are its key and never change, so
/// `putImage` replaces the stored image in place. Reads through the index (`image(id:)`, `deleteImage`, the start of
/// a page of images) are eventually consistent, as every global secondary index is: an image written a moment ago may
/// not be found there yet. The tables' definitions are in deploy/cloudformation/thumbworker.yaml (`AppTables`).
package struct DynamoDBCatalog: Catalog {
    /// The name of the images table's index on `imageId`.
    package static let imageIDIndex = "imageId-index"

    /// The DynamoDB client.
    package let client: DynamoDBClient
    /// The groups table.
    package let groupsTable: String
    /// The images table.
    package let imagesTable: String
    private let logger: Logger

    /// Most DynamoDB pages read to fill one catalog page (each page is at least one item, or 1 MB of them).
    private static let maxPagesPerListing = 100

    /// Uses the two tables through `client`.
    package init(client: DynamoDBClient, groupsTable: String, imagesTable: String, logger: Logger) {
        self.client = client
        self.groupsTable = groupsTable
        self.imagesTable = imagesTable
        self.logger = logger
    }

    /// Stores a new group; a group with its id already there is refused (`attribute_not_exists(id)`).
    package func createGroup(_ group: GroupItem) async throws(AppError) {
        let request = DynamoDB.PutItemRequest(
            tableName: groupsTable, item: Self.attributes(of: group), conditionExpression: "attribute_not_exists(id)")
        do {
            try await client.putItem(request, logger: logger)
        } catch {
            if DynamoDB.ErrorMeaning(error) == .conditionalCheckFailed {
                throw AppError(
                    .catalogUnusable, "group \(group.id) already exists in the DynamoDB table \(groupsTable)",
                    cause: error)
            }
            throw failure(error, table: groupsTable, action: "PutItem", doing: "store group \(group.id)")
        }
    }

    /// The group with this id, or nil (a consistent read).
    package func group(id: String) async throws(AppError) -> GroupItem? {
        let request = DynamoDB.GetItemRequest(tableName: groupsTable, key: ["id": .string(id)], consistentRead: true)
        let item: DynamoDB.Item?
        do {
            item = try await client.getItem(request, logger: logger)
        } catch {
            throw failure(error, table: groupsTable, action: "GetItem", doing: "read group \(id)")
        }
        return try item.map { (item) throws(AppError) in try Self.group(from: item, table: groupsTable) }
    }

    /// At most `limit` groups in DynamoDB's scan order (not id order, as SQLite's), after the group `after` when
    /// given: a Scan from `ExclusiveStartKey {id: after}`.
    package func groups(limit: Int, after: String?) async throws(AppError) -> CatalogPage<GroupItem> {
        let table = groupsTable
        let (items, more): ([DynamoDB.Item], Bool)
        do {
            (items, more) = try await Self.collect(limit: limit, from: after.map { ["id": .string($0)] }) {
                (start, count) async throws(AWSError) in
                let page = try await client.scan(
                    DynamoDB.ScanRequest(tableName: table, limit: count, exclusiveStartKey: start), logger: logger)
                return (page.items, page.lastEvaluatedKey)
            }
        } catch {
            throw failure(error, table: table, action: "Scan", doing: "list groups")
        }
        var groups: [GroupItem] = []
        for item in items {
            groups.append(try Self.group(from: item, table: table))
        }
        return CatalogPage(items: groups, nextAfter: more ? groups.last?.id : nil)
    }

    /// Removes a group; removing a missing one is not an error.
    package func deleteGroup(id: String) async throws(AppError) {
        do {
            try await client.deleteItem(tableName: groupsTable, key: ["id": .string(id)], logger: logger)
        } catch {
            throw failure(error, table: groupsTable, action: "DeleteItem", doing: "delete group \(id)")
        }
    }

    /// Stores a new image, or replaces the image with its id (same group and `createdAt`, so the same key).
    package func putImage(_ image: ImageItem) async throws(AppError) {
        let item = try Self.attributes(of: image)
        do {
            try await client.putItem(DynamoDB.PutItemRequest(tableName: imagesTable, item: item), logger: logger)
        } catch {
            throw failure(error, table: imagesTable, action: "PutItem", doing: "store image \(image.id)")
        }
    }

    /// The image with this id, or nil: a Query of `imageId-index` (eventually consistent).
    package func image(id: String) async throws(AppError) -> ImageItem? {
        guard let item = try await indexedItem(id: id, doing: "read image \(id)") else { return nil }
        return try Self.image(from: item, table: imagesTable)
    }

    /// At most `limit` images of a group oldest first (by `timestamp`: creation time, then id), after the image
    /// `after` when given.
    ///
    /// The page starts after `after`'s `timestamp`, found through `imageId-index`. When that image is gone (deleted
    /// between two pages), its timestamp is made from its id instead, which holds for the API's ids (their first 12
    /// hex digits are the creation time in milliseconds, the same instant as `createdAt`).
    package func images(inGroup groupID: String, limit: Int, after: String?) async throws(AppError)
        -> CatalogPage<ImageItem>
    {
        var condition = "#g = :g"
        var values: DynamoDB.Item = [":g": .string(groupID)]
        if let after {
            condition += " AND #ts > :ts"
            values[":ts"] = .string(try await startTimestamp(after: after, inGroup: groupID))
        }
        let query = DynamoDB.QueryRequest(
            tableName: imagesTable, keyConditionExpression: condition,
            expressionAttributeNames: ["#g": "groupId", "#ts": "timestamp"].filter { condition.contains($0.key) },
            expressionAttributeValues: values, scanIndexForward: true, consistentRead: true)
        let (items, more): ([DynamoDB.Item], Bool)
        do {
            (items, more) = try await Self.collect(limit: limit, from: nil) { (start, count) async throws(AWSError) in
                var request = query
                request.limit = count
                request.exclusiveStartKey = start
                let page = try await client.query(request, logger: logger)
                return (page.items, page.lastEvaluatedKey)
            }
        } catch {
            throw failure(error, table: imagesTable, action: "Query", doing: "list the images of group \(groupID)")
        }
        var images: [ImageItem] = []
        for item in items {
            images.append(try Self.image(from: item, table: imagesTable))
        }
        return CatalogPage(items: images, nextAfter: more ? images.last?.id : nil)
    }

    /// Removes an image, found through `imageId-index`; removing a missing one is not an error.
    package func deleteImage(id: String) async throws(AppError) {
        guard let item = try await indexedItem(id: id, doing: "find image \(id) to delete it"),
            let groupID = item["groupId"], let timestamp = item["timestamp"]
        else { return }
        do {
            try await client.deleteItem(
                tableName: imagesTable, key: ["groupId": groupID, "timestamp": timestamp], logger: logger)
        } catch {
            throw failure(error, table: imagesTable, action: "DeleteItem", doing: "delete image \(id)")
        }
    }

    /// The images table's item with this image id, from `imageId-index`; nil when there is none.
    private func indexedItem(id: String, doing what: String) async throws(AppError) -> DynamoDB.Item? {
        let request = DynamoDB.QueryRequest(
            tableName: imagesTable, indexName: Self.imageIDIndex, keyConditionExpression: "imageId = :id",
            expressionAttributeValues: [":id": .string(id)], limit: 1)
        do {
            return try await client.query(request, logger: logger).items.first
        } catch {
            throw failure(error, table: "\(imagesTable) (index \(Self.imageIDIndex))", action: "Query", doing: what)
        }
    }

    /// The sort key a page of the group's images starts after: `after`'s own, or one made from its id when it is gone.
    private func startTimestamp(after: String, inGroup groupID: String) async throws(AppError) -> String {
        if let item = try await indexedItem(id: after, doing: "find image \(after) to list after it"),
            item["groupId"]?.stringValue == groupID, let timestamp = item["timestamp"]?.stringValue
        {
            return timestamp
        }
        let digits = after.prefix(12)
        guard after.utf8.count == 24, let milliseconds = Int64(digits, radix: 16) else {
            throw AppError(
                .invalidRequest, "image \(after) is not in group \(groupID): list its images again from the start")
        }
        return Self.timestamp(milliseconds: milliseconds, imageID: after)
    }

    /// Reads DynamoDB pages from `start` until `limit + 1` items came (the extra one only says that more follow) or
    /// the listing ended; at most `maxPagesPerListing` pages, after which the page is returned short, with more to come.
    private static func collect(
        limit: Int, from start: DynamoDB.Item?,
        _ read: (DynamoDB.Item?, Int) async throws(AWSError) -> ([DynamoDB.Item], DynamoDB.Item?)
    ) async throws(AWSError) -> ([DynamoDB.Item], Bool) {
        var items: [DynamoDB.Item] = []
        var start = start
        for _ in 0..<maxPagesPerListing {
            let (page, next) = try await read(start, limit + 1 - items.count)
            items += page
            if items.count > limit { return (Array(items.prefix(limit)), true) }
            guard let next else { return (items, false) }
            start = next
        }
        return (items, !items.isEmpty)
    }

    /// A DynamoDB failure as an app error: throttling, 5xx and transport failures may pass; a missing table, refused
    /// credentials or a rejected request need a person, and the message says which table and what to do.
    private func failure(_ error: AWSError, table: String, action: String, doing what: String) -> AppError {
        let region = client.endpoint.region
        switch DynamoDB.ErrorMeaning(error) {
        case .transient, .cancelled:
            return AppError(
                .catalogUnavailable, "could not \(what) in the DynamoDB table \(table) now (\(error)); try again",
                cause: error)
        case .tableMissing:
            return AppError(
                .catalogUnusable,
                "the DynamoDB table \(table) does not exist in \(region), or is not active yet: could not \(what); "
                    + "create it (the CloudFormation stack with AppTables=true does) or name the right table "
                    + "(\(Self.expectedSchema))",
                cause: error)
        case .accessDenied:
            return AppError(
                .catalogUnusable,
                "the credentials may not \(what) in the DynamoDB table \(table): allow dynamodb:\(action) on it "
                    + "(and on its index imageId-index for the images table) — \(error)",
                cause: error)
        case .requestInvalid, .conditionalCheckFailed:
            return AppError(
                .catalogUnusable,
                "the DynamoDB table \(table) refused to \(what): \(error.message); check that its keys are "
                    + Self.expectedSchema,
                cause: error)
        case .unusable:
            return AppError(
                .catalogUnusable, "could not \(what) in the DynamoDB table \(table): \(error)", cause: error)
        }
    }

    /// The key schema the tables need, for messages.
    private static let expectedSchema =
        "groups: hash key id (S); images: hash key groupId (S), range key timestamp (S), "
        + "global secondary index imageId-index on imageId (S) projecting ALL"
}

extension DynamoDBCatalog {
    /// The attributes of a group.
    fileprivate static func attributes(of group: GroupItem) -> DynamoDB.Item {
        var item: DynamoDB.Item = [
            "id": .string(group.id), "name": .string(group.name),
            "createdAt": .string(isoMilliseconds(group.createdAt)),
        ]
        item["description"] = group.description.map(DynamoDB.AttributeValue.string)
        item["owner"] = group.owner.map(DynamoDB.AttributeValue.string)
        return item
    }

    /// The group an item of the groups table holds.
    fileprivate static func group(from item: DynamoDB.Item, table: String) throws(AppError) -> GroupItem {
        let fields = Fields(item: item, table: table)
        return GroupItem(
            id: try fields.string("id"), name: try fields.string("name"), description: fields.optional("description"),
            owner: fields.optional("owner"), createdAt: try fields.date("createdAt"))
    }

    /// The attributes of an image, its key made from its `createdAt` and id.
    fileprivate static func attributes(of image: ImageItem) throws(AppError) -> DynamoDB.Item {
        var item: DynamoDB.Item = [
            "groupId": .string(image.groupId),
            "timestamp": .string(timestamp(createdAt: image.createdAt, imageID: image.id)),
            "imageId": .string(image.id),
            "title": .string(image.title),
            "createdAt": .string(isoMilliseconds(image.createdAt)),
            "objectKey": .string(image.objectKey),
            "status": .string(image.status.rawValue),
        ]
        item["owner"] = image.owner.map(DynamoDB.AttributeValue.string)
        item["thumbnails"] = try image.thumbnails.map { (value) throws(AppError) in try json(value) }
        item["placeholder"] = try image.placeholder.map { (value) throws(AppError) in try json(value) }
        item["error"] = try image.error.map { (value) throws(AppError) in try json(value) }
        return item
    }

    /// The image an item of the images table holds.
    fileprivate static func image(from item: DynamoDB.Item, table: String) throws(AppError) -> ImageItem {
        let fields = Fields(item: item, table: table)
        var image = ImageItem(
            id: try fields.string("imageId"), groupId: try fields.string("groupId"), title: try fields.string("title"),
            owner: fields.optional("owner"), createdAt: try fields.date("createdAt"))
        image.objectKey = try fields.string("objectKey")
        let status = try fields.string("status")
        guard let known = ImageItem.Status(rawValue: status) else {
            throw AppError(.catalogUnusable, "image \(image.id) in the DynamoDB table \(table) has status \(status)")
        }
        image.status = known
        image.thumbnails = try fields.decoded("thumbnails")
        image.placeholder = try fields.decoded("placeholder")
        image.error = try fields.decoded("error")
        return image
    }

    /// The images table's range key: `createdAt` to the millisecond, `#`, the id.
    package static func timestamp(createdAt: Date, imageID: String) -> String {
        isoMilliseconds(createdAt) + "#" + imageID
    }

    /// The range key for an image made at `milliseconds` since 1970.
    fileprivate static func timestamp(milliseconds: Int64, imageID: String) -> String {
        isoMilliseconds(milliseconds: milliseconds) + "#" + imageID
    }

    /// `2026-12-04T18:28:14.123Z`: UTC, always three fraction digits, so the text sorts as the time does.
    fileprivate static func isoMilliseconds(_ date: Date) -> String {
        isoMilliseconds(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    /// `2026-12-04T18:28:14.123Z` for `milliseconds` since 1970.
    fileprivate static func isoMilliseconds(milliseconds: Int64) -> String {
        var (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if fraction < 0 {
            seconds -= 1
            fraction += 1000
        }
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// The date `isoMilliseconds` wrote (or any ISO-8601 UTC time without a fraction); nil for other text.
    fileprivate static func date(isoMilliseconds text: String) -> Date? {
        let parts = text.dropLast().split(separator: ".", maxSplits: 1)
        guard text.hasSuffix("Z"), let first = parts.first,
            let whole = try? Date.ISO8601FormatStyle().parse(String(first) + "Z")
        else { return nil }
        guard parts.count == 2 else { return whole }
        guard parts[1].count == 3, let milliseconds = Int(parts[1]) else { return nil }
        return Date(timeIntervalSince1970: whole.timeIntervalSince1970 + TimeInterval(milliseconds) / 1000)
    }

    /// A nested value as the JSON string attribute it is stored as.
    fileprivate static func json(_ value: some Encodable) throws(AppError) -> DynamoDB.AttributeValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return .string(String(decoding: try encoder.encode(value), as: UTF8.self))
        } catch {
            throw AppError(.catalogUnusable, "an image field does not encode as JSON: \(error)", cause: error)
        }
    }

    /// Reads an item's attributes, each missing or mistyped one an error naming the table.
    fileprivate struct Fields {
        /// The item.
        let item: DynamoDB.Item
        /// Its table, for messages.
        let table: String

        /// The text of a required `S` attribute.
        func string(_ name: String) throws(AppError) -> String {
            guard let text = item[name]?.stringValue else {
                throw AppError(
                    .catalogUnusable,
                    "an item of the DynamoDB table \(table) has no string attribute \(name): "
                        + "was it written by thumbworker? (key \(keyDescription))")
            }
            return text
        }

        /// The text of an optional `S` attribute.
        func optional(_ name: String) -> String? {
            item[name]?.stringValue
        }

        /// A required time attribute.
        func date(_ name: String) throws(AppError) -> Date {
            let text = try string(name)
            guard let date = DynamoDBCatalog.date(isoMilliseconds: text) else {
                throw AppError(
                    .catalogUnusable,
                    "the attribute \(name) of an item of the DynamoDB table \(table) is not an ISO-8601 UTC time: \(text)"
                )
            }
            return date
        }

        /// An optional attribute holding JSON.
        func decoded<Value: Decodable>(_ name: String) throws(AppError) -> Value? {
            guard let text = optional(name) else { return nil }
            do {
                return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
            } catch {
                throw AppError(
                    .catalogUnusable,
                    "the attribute \(name) of an item of the DynamoDB table \(table) does not decode as \(Value.self): \(error)",
                    cause: error)
            }
        }

        private var keyDescription: String {
            ["id", "groupId", "timestamp"].compactMap { key in item[key]?.stringValue.map { "\(key)=\($0)" } }
                .joined(separator: " ")
        }
    }
}
