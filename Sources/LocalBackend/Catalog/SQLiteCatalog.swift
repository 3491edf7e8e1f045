package import AppCore
import Foundation
import GRDB

/// The app's groups and images in one SQLite file (the local backends' catalog): each item stored as its JSON, keyed
/// by id, images also by group.
package struct SQLiteCatalog: Catalog {
    /// The database file.
    package let path: String
    private let pool: DatabasePool

    /// Opens the catalog at `path`, creating the file and its tables when they do not exist (the folder must).
    package init(path: String) throws(AppError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.label = "thumbworker.catalog"
            configuration.busyMode = .timeout(5)
            pool = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE groups (id TEXT PRIMARY KEY NOT NULL, item TEXT NOT NULL);
                        CREATE TABLE images (
                            id TEXT PRIMARY KEY NOT NULL, group_id TEXT NOT NULL, item TEXT NOT NULL);
                        CREATE INDEX images_by_group ON images (group_id, id);
                        """)
            }
            try migrator.migrate(pool)
        } catch {
            throw Self.failure(error, path: path, doing: "open")
        }
    }

    /// Stores a new group.
    package func createGroup(_ group: GroupItem) async throws(AppError) {
        try await write("store group \(group.id)") { db in
            try db.execute(
                sql: "INSERT INTO groups (id, item) VALUES (?, ?)", arguments: [group.id, try Self.json(group)])
        }
    }

    /// The group with this id, or nil.
    package func group(id: String) async throws(AppError) -> GroupItem? {
        try await read("read group \(id)") { db in
            try String.fetchOne(db, sql: "SELECT item FROM groups WHERE id = ?", arguments: [id])
        }.map { (text) throws(AppError) in try Self.item(GroupItem.self, from: text) }
    }

    /// At most `limit` groups in id order, after `after` when given.
    package func groups(limit: Int, after: String?) async throws(AppError) -> CatalogPage<GroupItem> {
        let texts = try await read("list groups") { db in
            try String.fetchAll(
                db, sql: "SELECT item FROM groups WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [after ?? "", limit + 1])
        }
        return try Self.page(GroupItem.self, texts, limit: limit, id: \.id)
    }

    /// Removes a group.
    package func deleteGroup(id: String) async throws(AppError) {
        try await write("delete group \(id)") { db in
            try db.execute(sql: "DELETE FROM groups WHERE id = ?", arguments: [id])
        }
    }

    /// Stores or replaces an image.
    package func putImage(_ image: ImageItem) async throws(AppError) {
        try await write("store image \(image.id)") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO images (id, group_id, item) VALUES (?, ?, ?)",
                arguments: [image.id, image.groupId, try Self.json(image)])
        }
    }

    /// The image with this id, or nil.
    package func image(id: String) async throws(AppError) -> ImageItem? {
        try await read("read image \(id)") { db in
            try String.fetchOne(db, sql: "SELECT item FROM images WHERE id = ?", arguments: [id])
        }.map { (text) throws(AppError) in try Self.item(ImageItem.self, from: text) }
    }

    /// At most `limit` images of a group in id order, after `after` when given.
    package func images(inGroup groupID: String, limit: Int, after: String?) async throws(AppError)
        -> CatalogPage<ImageItem>
    {
        let texts = try await read("list the images of group \(groupID)") { db in
            try String.fetchAll(
                db, sql: "SELECT item FROM images WHERE group_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [groupID, after ?? "", limit + 1])
        }
        return try Self.page(ImageItem.self, texts, limit: limit, id: \.id)
    }

    /// Removes an image.
    package func deleteImage(id: String) async throws(AppError) {
        try await write("delete image \(id)") { db in
            try db.execute(sql: "DELETE FROM images WHERE id = ?", arguments: [id])
        }
    }

    private func read<Value: Sendable>(
        _ what: String, _ body: @escaping @Sendable (Database) throws -> Value
    ) async throws(AppError) -> Value {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.failure(error, path: path, doing: what)
        }
    }

    private func write(_ what: String, _ body: @escaping @Sendable (Database) throws -> Void) async throws(AppError) {
        do {
            try await pool.write(body)
        } catch {
            throw Self.failure(error, path: path, doing: what)
        }
    }

    /// A page of decoded items from `limit + 1` rows: the extra row only says that more follow.
    private static func page<Item: Decodable & Sendable>(
        _ type: Item.Type, _ texts: [String], limit: Int, id: KeyPath<Item, String>
    ) throws(AppError) -> CatalogPage<Item> {
        var items: [Item] = []
        for text in texts.prefix(limit) {
            items.append(try item(type, from: text))
        }
        return CatalogPage(items: items, nextAfter: texts.count > limit ? items.last?[keyPath: id] : nil)
    }

    private static func json(_ item: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(item), as: UTF8.self)
    }

    private static func item<Item: Decodable>(_ type: Item.Type, from text: String) throws(AppError) -> Item {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw AppError(.catalogUnusable, "a catalog row does not decode as \(type): \(error)", cause: error)
        }
    }

    /// A database failure as an app error: busy or locked may pass, anything else needs a person.
    private static func failure(_ error: any Error, path: String, doing what: String) -> AppError {
        if let error = error as? AppError { return error }
        if let error = error as? DatabaseError, [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) {
            return AppError(
                .catalogUnavailable, "the catalog \(path) stayed locked; could not \(what), try again", cause: error)
        }
        return AppError(.catalogUnusable, "the catalog \(path) failed to \(what): \(error)", cause: error)
    }
}
