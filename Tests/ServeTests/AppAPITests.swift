import AppCore
import Foundation
import Hummingbird
import HummingbirdTesting
import LocalBackend
import NIOCore
import Serve
import TestSupport
import Testing
import WorkerCore

/// The app on the local backends in a temporary folder: a SQLite catalog and queue, folders as buckets, and the
/// routes `thumbworker serve` mounts.
private struct LocalApp {
    let catalog: SQLiteCatalog
    let store: LocalFolderStore
    let queue: SQLiteMessageQueue
    let signer: LocalUploadSigner
    let originals: OutputLocation
    let thumbnails: OutputLocation
    let application: Application<RouterResponder<BasicRequestContext>>

    init(signingTime: @escaping @Sendable () -> Date = { Date() }, maxInputBytes: Int = 1 << 20) throws {
        let folder = try TemporaryFolder.make()
        catalog = try SQLiteCatalog(path: folder.appending(path: "catalog.sqlite").path)
        store = LocalFolderStore(root: folder.appending(path: "buckets").path)
        queue = try SQLiteMessageQueue(path: folder.appending(path: "queue.sqlite").path)
        signer = LocalUploadSigner(
            baseURL: URL(string: "http://127.0.0.1:8080")!, validity: .seconds(900), now: signingTime)
        originals = OutputLocation(store: store, bucket: "uploads")
        thumbnails = OutputLocation(store: store, bucket: "thumbnails")
        let router = Router()
        router.add(middleware: AppErrorMiddleware())
        router.add(middleware: CORSPolicy(origins: ["https://app.example.com"]))
        AppAPI(catalog: catalog, originals: originals, thumbnails: thumbnails, uploads: signer).addRoutes(to: router)
        LocalBuckets(
            originals: originals, thumbnails: thumbnails, queue: queue, uploads: signer, maxInputBytes: maxInputBytes,
            cacheControl: "public, max-age=60"
        ).addRoutes(to: router)
        application = Application(router: router)
    }
}

/// A JSON body.
private func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// The JSON headers.
private let jsonHeaders: HTTPFields = [.contentType: "application/json"]

/// A response body as a JSON object.
private func object(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
}

/// Creates a group and returns its id.
private func createGroup(_ client: some TestClientProtocol, name: String) async throws -> String {
    try await client.execute(uri: "/groups", method: .post, headers: jsonHeaders, body: json(#"{"name":"\#(name)"}"#)) {
        response in
        #expect(response.status == .created)
        return try #require(try object(response)["id"] as? String)
    }
}

@Suite("serve: the groups and images API")
struct AppAPITests {
    @Test("groups are created and listed page by page with an opaque nextKey, each once")
    func groupsPaginate() async throws {
        let app = try LocalApp()
        try await app.application.test(.router) { client in
            var created: [String] = []
            for index in 0..<5 {
                created.append(try await createGroup(client, name: "group \(index)"))
            }
            var listed: [String] = []
            var nextKey: String?
            for _ in 0..<5 {
                let uri = "/groups?limit=2" + (nextKey.map { "&nextKey=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get) { try object($0) }
                listed += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                nextKey = page["nextKey"] as? String
                if nextKey == nil { break }
            }
            #expect(listed == (0..<5).map { "group \($0)" })
            try await client.execute(uri: "/groups?limit=0", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/groups?nextKey=garbage", method: .get) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test(
        "a body that breaks the schema is a 400 listing every problem",
        arguments: [
            (#"{}"#, ["body.name is required"]),
            (
                #"{"name": 7, "colour": "red"}"#,
                ["body.colour is not allowed here", "body.name must be a string, not a number (7)"]
            ),
            (#"{"name": ""}"#, ["body.name must be at least 1 characters long, not 0"]),
        ])
    func schemaViolations(body: String, problems: [String]) async throws {
        let app = try LocalApp()
        try await app.application.test(.router) { client in
            try await client.execute(uri: "/groups", method: .post, headers: jsonHeaders, body: json(body)) {
                response in
                #expect(response.status == .badRequest)
                let error = try #require(try object(response)["error"] as? [String: Any])
                #expect(error["code"] as? String == "invalidRequest")
                #expect(error["problems"] as? [String] == problems)
            }
            try await client.execute(uri: "/groups", method: .post, body: json(#"{"name":"x"}"#)) {
                #expect($0.status == .badRequest, "no Content-Type: application/json")
            }
        }
    }

    @Test("unknown groups and images are 404s")
    func notFound() async throws {
        let app = try LocalApp()
        try await app.application.test(.router) { client in
            for (uri, method) in [
                ("/groups/0123456789abcdef01234567", HTTPRequest.Method.get), ("/groups/nope/images", .get),
                ("/images/0123456789abcdef01234567", .get), ("/images/0123456789abcdef01234567", .delete),
            ] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .notFound, "\(method) \(uri)")
                    let error = try object(response)["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "notFound")
                }
            }
            try await client.execute(
                uri: "/groups/0123456789abcdef01234567/images", method: .post, headers: jsonHeaders,
                body: json(#"{"title":"x"}"#)
            ) { #expect($0.status == .notFound) }
        }
    }

    @Test("CORS: a preflight from a configured origin is answered, from another refused; answers carry the origin")
    func cors() async throws {
        let app = try LocalApp()
        try await app.application.test(.router) { client in
            try await client.execute(
                uri: "/groups", method: .options,
                headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
                #expect(response.headers[.accessControlAllowMethods]?.contains("POST") == true)
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
            }
            try await client.execute(
                uri: "/groups", method: .options,
                headers: [.origin: "https://evil.example.com", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/groups", method: .get, headers: [.origin: "https://app.example.com"]) {
                #expect($0.headers[.accessControlAllowOrigin] == "https://app.example.com")
            }
        }
    }
}
