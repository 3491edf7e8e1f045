package import Foundation
package import Imaging
package import WorkerCore

/// A group of images, as the API shows it.
package struct GroupItem: Sendable, Codable, Hashable {
    /// The id the API made; ids sort in creation order.
    package var id: String
    /// The name given.
    package var name: String
    /// The description given, when one was.
    package var description: String?
    /// The subject of the token that created it; nil without authentication.
    package var owner: String?
    /// When it was created.
    package var createdAt: Date

    /// Creates a group.
    package init(id: String, name: String, description: String?, owner: String?, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.owner = owner
        self.createdAt = createdAt
    }
}

/// One image of a group: its original's object key and, once the worker reported, its thumbnails or its failure.
package struct ImageItem: Sendable, Codable, Hashable {
    /// Where the image is in its life.
    package enum Status: String, Sendable, Codable, Hashable {
        /// Created; the original is being uploaded or its thumbnails made.
        case processing
        /// The thumbnails exist.
        case ready
        /// The original cannot be made into thumbnails; `error` says why.
        case failed
    }

    /// The id the API made; ids sort in creation order.
    package var id: String
    /// The group it belongs to.
    package var groupId: String
    /// The title given.
    package var title: String
    /// The subject of the token that created it; nil without authentication.
    package var owner: String?
    /// When it was created.
    package var createdAt: Date
    /// The original's key in the upload bucket: `groups/{groupId}/{imageId}`.
    package var objectKey: String
    /// Processing, ready or failed.
    package var status: Status
    /// The thumbnails, once ready.
    package var thumbnails: [ThumbnailEvent.Rendition]?
    /// The ThumbHash and dominant colour, once ready.
    package var placeholder: Placeholder?
    /// Why it failed, when it did.
    package var error: ThumbnailEvent.Failure?

    /// A new image, processing, whose original goes to the key made from its group's and its own id.
    package init(id: String, groupId: String, title: String, owner: String?, createdAt: Date) {
        self.id = id
        self.groupId = groupId
        self.title = title
        self.owner = owner
        self.createdAt = createdAt
        self.objectKey = Self.objectKey(groupId: groupId, imageId: id)
        self.status = .processing
    }

    /// The original's key for an image: `groups/{groupId}/{imageId}`.
    package static func objectKey(groupId: String, imageId: String) -> String {
        "groups/\(groupId)/\(imageId)"
    }

    /// The image id an original's key names; nil for a key the API did not make.
    package static func imageID(fromObjectKey key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "groups", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        return String(parts[2])
    }

    /// The image as the worker's event leaves it: ready with its thumbnails, or failed with the reason; other events
    /// (deletions) change nothing.
    package func applying(_ event: ThumbnailEvent) -> ImageItem {
        var image = self
        switch event.type {
        case ThumbnailEvent.readyType:
            image.status = .ready
            image.thumbnails = event.renditions
            image.placeholder = event.placeholder
            image.error = nil
        case ThumbnailEvent.failedType:
            image.status = .failed
            image.error = event.error
        default:
            break
        }
        return image
    }
}

/// One page of a listing, and where the next starts.
package struct CatalogPage<Item: Sendable>: Sendable {
    /// The items, in the order the listing gives (see `Catalog`).
    package var items: [Item]
    /// The id of the last item when more follow; nil on the last page.
    package var nextAfter: String?

    /// Creates a page.
    package init(items: [Item], nextAfter: String?) {
        self.items = items
        self.nextAfter = nextAfter
    }
}
