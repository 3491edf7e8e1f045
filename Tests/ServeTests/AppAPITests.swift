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
