import AppCore
import Foundation
import LocalBackend
import Logging
import Serve
import WorkerAWS
import WorkerCore

/// Where `serve` keeps groups and images and how it links uploads and thumbnails, on the backends the configuration
/// names: a SQLite catalog and the server's own presigned URLs with the local backends; DynamoDB and presigned S3
/// PUTs on AWS.
struct AppBackends {
    /// Groups and images.
    let catalog: any Catalog
    /// Upload and thumbnail URLs.
    let links: any ObjectLinks
    /// The server's own signer, with the local backends (their buckets are served by `serve`); nil on AWS.
    let localSigner: LocalUploadSigner?
    /// Where originals and thumbnails are.
    let store: any ObjectStore
    /// The queue uploads' events go to.
    let queue: any MessageQueue

    /// Opens the catalog beside the worker's backends; a missing table name or an unwritable folder is thrown.
    init(configuration: WorkerConfiguration, backends: WorkerBackends, uploadBucket: String, logger: Logger) throws {
        let settings = configuration.serve
        store = backends.store
        queue = backends.queue
        if let connection = backends.connection {
            guard let groupsTable = settings.groupsTable, let imagesTable = settings.imagesTable else {
                throw ConfigurationError(
                    problems: [
                        "serve.groups_table and serve.images_table: with queue.url set, name the DynamoDB tables "
                            + "of groups and images (the CloudFormation stack's AppTables=true makes them)"
                    ], source: "serve")
            }
            catalog = try connection.appCatalog(groupsTable: groupsTable, imagesTable: imagesTable, logger: logger)
            links = try connection.objectLinks(validity: .seconds(settings.uploadURLSeconds))
            localSigner = nil
            return
        }
        let folder = URL(fileURLWithPath: configuration.queue.localPath).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        catalog = try SQLiteCatalog(path: folder.appending(path: "catalog.sqlite").path)
        // The buckets exist from the start, so listing or deleting before the first upload finds them.
        for bucket in [uploadBucket, configuration.storage.destinationBucket] {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: configuration.storage.localRoot).appending(path: bucket),
                withIntermediateDirectories: true)
        }
        let signer = LocalUploadSigner(
            baseURL: URL(string: "http://\(settings.host):\(settings.port)") ?? URL(fileURLWithPath: "/"),
            validity: .seconds(settings.uploadURLSeconds))
        links = signer
        localSigner = signer
    }
}
