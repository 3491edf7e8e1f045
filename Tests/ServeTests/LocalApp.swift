import AppCore
import Foundation
import Hummingbird
import HummingbirdTesting
import LocalBackend
import NIOCore
import Serve
import Synchronization
import TestSupport
import Testing
import WorkerCore

/// The time the upload signer reads; a test moves it.
final class TestTime: Sendable {
    /// Now, for the signer.
    let now = Mutex(Date())
}

/// The app on the local backends in a temporary folder, assembled as `thumbworker serve` assembles it: a SQLite
/// catalog and queue, folders as the buckets `uploads` and `thumbnails`, and every route.
struct LocalApp {
    let catalog: SQLiteCatalog
    let store: LocalFolderStore
    let queue: SQLiteMessageQueue
    let server: AppServer
    let time = TestTime()
    /// The secret the app's `/events` checks deliveries with.
    static let webhookSecret = "the fleet's webhook secret"

    init(maxInputBytes: Int = 1 << 20, authentication: Authentication = .none) throws {
        let folder = try TemporaryFolder.make()
        let buckets = folder.appending(path: "buckets")
        for bucket in ["uploads", "thumbnails"] {
            try FileManager.default.createDirectory(
                at: buckets.appending(path: bucket), withIntermediateDirectories: true)
        }
        catalog = try SQLiteCatalog(path: folder.appending(path: "catalog.sqlite").path)
        store = LocalFolderStore(root: buckets.path)
        queue = try SQLiteMessageQueue(path: folder.appending(path: "queue.sqlite").path)
        let signer = LocalUploadSigner(
            baseURL: URL(string: "http://127.0.0.1:8080")!, validity: .seconds(900),
            now: { [time] in time.now.withLock { $0 } })
        let originals = OutputLocation(store: store, bucket: "uploads")
        let thumbnails = OutputLocation(store: store, bucket: "thumbnails")
        server = AppServer(
            catalog: catalog, originals: originals, thumbnails: thumbnails, links: signer,
            localBuckets: LocalBuckets(
                originals: originals, thumbnails: thumbnails, queue: queue, uploads: signer,
                maxInputBytes: maxInputBytes, cacheControl: "public, max-age=60"),
            webhookSecret: Self.webhookSecret, subscriptions: GroupSubscriptions(),
            corsOrigins: ["https://app.example.com"], authentication: authentication)
    }

    /// The routes without a listening server, for `.router` tests.
    var application: Application<RouterResponder<BasicRequestContext>> {
        Application(router: server.router())
    }

    /// The worker's notifier for this app.
    var notifier: CatalogNotifier {
        AppServer.notifier(
            catalog: catalog, uploadBucket: "uploads", subscriptions: server.subscriptions, links: server.links)
    }
}

/// A JSON body.
func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// The JSON headers.
let jsonHeaders: HTTPFields = [.contentType: "application/json"]

/// A response body as a JSON object.
func object(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
}

/// Creates a group and returns its id.
func createGroup(_ client: some TestClientProtocol, name: String) async throws -> String {
    try await client.execute(uri: "/groups", method: .post, headers: jsonHeaders, body: json(#"{"name":"\#(name)"}"#)) {
        response in
        #expect(response.status == .created)
        return try #require(try object(response)["id"] as? String)
    }
}

/// Creates an image in `groupID`; returns its id and its upload URL's path and query.
func createImage(_ client: some TestClientProtocol, in groupID: String) async throws -> (id: String, upload: String) {
    let image = try await client.execute(
        uri: "/groups/\(groupID)/images", method: .post, headers: jsonHeaders,
        body: json(#"{"title":"beach","contentType":"image/jpeg"}"#)
    ) { response in
        #expect(response.status == .created)
        return try object(response)
    }
    let uploadURL = try #require(image["uploadUrl"] as? String)
    let url = try #require(URL(string: uploadURL))
    #expect(image["status"] as? String == "processing")
    return (try #require(image["id"] as? String), url.path + "?" + (url.query ?? ""))
}
