/// Where groups and images are kept: the embedded SQLite database with the local backends, DynamoDB tables on AWS.
package protocol Catalog: Sendable {
    /// Stores a new group.
    func createGroup(_ group: GroupItem) async throws(AppError)
    /// The group with this id, or nil.
    func group(id: String) async throws(AppError) -> GroupItem?
    /// At most `limit` groups after the id `after` when given: in id order in SQLite, in DynamoDB's scan order (no
    /// order at all) in DynamoDB; every group comes once over the pages.
    func groups(limit: Int, after: String?) async throws(AppError) -> CatalogPage<GroupItem>
    /// Removes a group (its images are removed first, by the caller); removing a missing one is not an error.
    func deleteGroup(id: String) async throws(AppError)
    /// Stores a new image, or replaces the image with its id (the worker's event applied).
    func putImage(_ image: ImageItem) async throws(AppError)
    /// The image with this id, or nil.
    func image(id: String) async throws(AppError) -> ImageItem?
    /// At most `limit` images of a group in creation order (id order in SQLite, `createdAt` then id in DynamoDB),
    /// after the image `after` when given.
    func images(inGroup groupID: String, limit: Int, after: String?) async throws(AppError) -> CatalogPage<ImageItem>
    /// Removes an image; removing a missing one is not an error.
    func deleteImage(id: String) async throws(AppError)
}
