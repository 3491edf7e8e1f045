package import AppCore
package import Foundation
package import Hummingbird
import NIOCore
package import WorkerCore

/// The groups and images API: groups listed and created, images added with a presigned upload URL, read with their
/// thumbnails once the worker made them, and deleted with their original and thumbnails.
package struct AppAPI: Sendable {
    /// Where groups and images are kept.
    package var catalog: any Catalog
    /// The upload bucket, where originals go.
    package var originals: OutputLocation
    /// The thumbnail bucket, whose objects are deleted with their image.
    package var thumbnails: OutputLocation
    /// Makes the upload and thumbnail URLs.
    package var links: any ObjectLinks
    /// Who may write: the subject of a verified bearer token, or anyone on the local demo.
    package var authentication: Authentication
    /// The time stamped on new items.
    package var now: @Sendable () -> Date

    /// Creates the API; writing routes need a token when `authentication` has a verifier.
    package init(
        catalog: any Catalog, originals: OutputLocation, thumbnails: OutputLocation, links: any ObjectLinks,
        authentication: Authentication = .none, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.authentication = authentication
        self.catalog = catalog
        self.originals = originals
        self.thumbnails = thumbnails
        self.links = links
        self.now = now
    }

    /// Adds the API's routes to `router`.
    package func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/groups") { request, _ in
            let (limit, after) = try PageRequest.read(request)
            return try JSONResponse.page(try await catalog.groups(limit: limit, after: after))
        }
        router.post("/groups") { request, _ in
            let owner = try await authentication.subject(of: request)
            let body = try await RequestBody.read(request, as: NewGroup.self, schema: BodySchemas.group)
            let time = now()
            let group = GroupItem(
                id: ItemIDs.make(at: time), name: body.name, description: body.description, owner: owner,
                createdAt: time)
            try await catalog.createGroup(group)
            return try JSONResponse.make(group, status: .created)
        }
        router.get("/groups/{groupId}") { _, context in
            try JSONResponse.make(try await existingGroup(context.parameters.get("groupId")))
        }
        router.delete("/groups/{groupId}") { request, context in
            let caller = try await authentication.subject(of: request)
            let group = try await existingGroup(context.parameters.get("groupId"))
            try authentication.checkOwner(group.owner, is: caller, of: "group \(group.id)")
            while true {
                let page = try await catalog.images(inGroup: group.id, limit: 100, after: nil)
                for image in page.items {
                    try await delete(image)
                }
                if page.nextAfter == nil { break }
            }
            try await catalog.deleteGroup(id: group.id)
            return Response(status: .noContent)
        }
        router.get("/groups/{groupId}/images") { request, context in
            let group = try await existingGroup(context.parameters.get("groupId"))
            let (limit, after) = try PageRequest.read(request)
            var page = try await catalog.images(inGroup: group.id, limit: limit, after: after)
            page.items = page.items.map { $0.linked(by: links) }
            return try JSONResponse.page(page)
        }
        router.post("/groups/{groupId}/images") { request, context in
            let owner = try await authentication.subject(of: request)
            let group = try await existingGroup(context.parameters.get("groupId"))
            let body = try await RequestBody.read(request, as: NewImage.self, schema: BodySchemas.image)
            let time = now()
            let image = ImageItem(
                id: ItemIDs.make(at: time), groupId: group.id, title: body.title, owner: owner, createdAt: time)
            let contentType = body.contentType ?? "image/jpeg"
            let url = try await links.uploadURL(
                bucket: originals.bucket, key: image.objectKey, contentType: contentType,
                requestHost: request.head.authority)
            try await catalog.putImage(image)
            return try JSONResponse.make(
                CreatedImage(image: image, uploadUrl: url, uploadContentType: contentType), status: .created)
        }
        router.get("/images/{imageId}") { _, context in
            try JSONResponse.make(try await existingImage(context.parameters.get("imageId")).linked(by: links))
        }
        router.delete("/images/{imageId}") { request, context in
            let caller = try await authentication.subject(of: request)
            let image = try await existingImage(context.parameters.get("imageId"))
            try authentication.checkOwner(image.owner, is: caller, of: "image \(image.id)")
            try await delete(image)
            return Response(status: .noContent)
        }
    }

    /// The group with this id, or a 404.
    private func existingGroup(_ id: String?) async throws(AppError) -> GroupItem {
        guard let id, ItemIDs.isWellFormed(id), let group = try await catalog.group(id: id) else {
            throw AppError(.notFound, "there is no group \(id ?? ""); GET /groups lists them")
        }
        return group
    }

    /// The image with this id, or a 404.
    private func existingImage(_ id: String?) async throws(AppError) -> ImageItem {
        guard let id, ItemIDs.isWellFormed(id), let image = try await catalog.image(id: id) else {
            throw AppError(.notFound, "there is no image \(id ?? "")")
        }
        return image
    }

    /// Deletes an image's original, its thumbnails and its item, in that order, so a failure leaves it listed and a
    /// retried DELETE finishes the job.
    private func delete(_ image: ImageItem) async throws(AppError) {
        do throws(WorkerError) {
            try await originals.store.delete(bucket: originals.bucket, key: image.objectKey)
            for thumbnail in image.thumbnails ?? [] {
                try await thumbnails.store.delete(bucket: thumbnails.bucket, key: thumbnail.key)
            }
        } catch {
            throw AppError(
                error.isRetryable ? .catalogUnavailable : .catalogUnusable,
                "could not delete the files of image \(image.id): \(error.explanation)", cause: error)
        }
        try await catalog.deleteImage(id: image.id)
    }
}

/// `POST /groups`' body.
private struct NewGroup: Decodable {
    let name: String
    let description: String?
}

/// `POST /groups/{groupId}/images`' body.
private struct NewImage: Decodable {
    let title: String
    let contentType: String?
}

/// `POST /groups/{groupId}/images`' answer: the image, where to PUT the original, and the `Content-Type` to send.
private struct CreatedImage: Encodable {
    let image: ImageItem
    let uploadUrl: String
    let uploadContentType: String

    func encode(to encoder: any Encoder) throws {
        try image.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(uploadUrl, forKey: .uploadUrl)
        try container.encode(uploadContentType, forKey: .uploadContentType)
    }

    private enum Keys: String, CodingKey {
        case uploadUrl, uploadContentType
    }
}
