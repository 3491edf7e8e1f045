import AWSClients
import Foundation
import SigV4
import TestSupport
import Testing

@Suite("thumbworker serve")
struct ServeCommandTests {
    /// This process's environment with `extra` added.
    private static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    }

    @Test(
        "settings it cannot serve safely are refused before it listens, with what to change",
        arguments: [
            (["THUMBWORKER_SERVE_HOST": "0.0.0.0"], "is not loopback"),
            (["THUMBWORKER_SERVE_AUTH": "hs256"], "set serve.jwt_secret"),
            (["THUMBWORKER_SERVE_AUTH": "hs256", "THUMBWORKER_SERVE_JWT_SECRET": "short"], "at least 32 bytes"),
            (["THUMBWORKER_SERVE_AUTH": "rs256"], "set serve.jwks"),
            (["THUMBWORKER_SERVE_AUTH": "rs256", "THUMBWORKER_SERVE_JWKS": "missing.json"], "cannot read the file"),
            (["THUMBWORKER_SERVE_AUTH": "rs256", "THUMBWORKER_SERVE_JWKS": "worker.conf"], "the JWKS cannot be read"),
            (
                ["THUMBWORKER_SERVE_AUTH": "rs256", "THUMBWORKER_SERVE_JWKS": "http://127.0.0.1:9/jwks.json"],
                "cannot fetch it"
            ),
            (
                [
                    "THUMBWORKER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
                    "THUMBWORKER_AWS_REGION": "eu-west-1",
                ], "name the DynamoDB tables"
            ),
        ])
    func refusals(settings: [String: String], reason: String) async throws {
        try await TemporaryFolder.with { folder in
            try Data("serve: {}\n".utf8).write(to: folder.appending(path: "worker.conf"))
            let result = try await CommandResult(["serve"], in: folder, environment: Self.environment(settings))
            #expect(result.status == 2)
            #expect(result.standardError.contains(reason), "\(result.standardError)")
        }
    }

    @Test(
        "with RS256 from a JWKS file or URL it serves the page with its security headers and asks writers for a token",
        arguments: ["file", "url"])
    func servesThePage(jwksFrom source: String) async throws {
        let jwks = try Testdata.text("jwt/signer.jwks.json")
        try await LoopbackServer.run({ _ in CannedResponse(body: jwks) }) { jwksServer in
            try await Self.servesThePage(
                jwks: source == "file"
                    ? Testdata.path("jwt/signer.jwks.json") : "http://127.0.0.1:\(jwksServer.port)/jwks")
        }
    }

    /// Starts serve with RS256 against `jwks` and checks the page, its headers and a token-less write.
    private static func servesThePage(jwks: String) async throws {
        try await TemporaryFolder.with { folder in
            let port = try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
            let server = try RunningCommand(
                ["serve", "--port", "\(port)"], in: folder,
                environment: Self.environment(["THUMBWORKER_SERVE_AUTH": "rs256", "THUMBWORKER_SERVE_JWKS": jwks]))
            try await server.killedOnFailure {
                let answer = try await firstAnswer("/", port: port)
                let headers = Dictionary(answer.headers.map { ($0.name.lowercased(), $0.value) }) { first, _ in first }
                #expect(answer.status == 200)
                #expect(headers["content-type"] == "text/html; charset=utf-8")
                #expect(headers["content-security-policy"]?.contains("default-src 'self'") == true)
                #expect(String(decoding: answer.body, as: UTF8.self).contains("/app.js"))
                let script = try await localRequest("GET", "/app.js", port: port)
                #expect(script.status == 200 && !script.body.isEmpty)
                let write = try await localRequest(
                    "POST", "/groups", port: port,
                    headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                    body: Array(#"{"name":"trip"}"#.utf8))
                #expect(write.status == 401)
                server.send(SIGTERM)
                #expect(try await server.result().status == 0)
            }
        }
    }

    @Test("with a separate fleet: serve stores the upload, `run` makes the thumbnails and reports to POST /events")
    func separateFleet() async throws {
        try await TemporaryFolder.with { folder in
            let port = try await LoopbackServer.run({ _ in CannedResponse() }) { server in server.port }
            let secret = "the fleet's shared webhook secret"
            try Data(
                """
                serve:
                  worker: false
                  webhook_secret: "\(secret)"
                notifiers:
                  - type: webhook
                    url: http://127.0.0.1:\(port)/events
                    secret: "\(secret)"
                """.utf8
            ).write(to: folder.appending(path: "worker.conf"))
            let environment = Self.environment(["THUMBWORKER_QUEUE_WAIT_SECONDS": "1", "THUMBWORKER_METRICS_PORT": "0"])
            let server = try RunningCommand(["serve", "--port", "\(port)"], in: folder, environment: environment)
            try await server.killedOnFailure {
                #expect(try await firstAnswer("/groups", port: port).status == 200)
                let json = [HTTPHeader(name: "Content-Type", value: "application/json")]
                let group = try await localRequest(
                    "POST", "/groups", port: port, headers: json, body: Array(#"{"name":"trip"}"#.utf8))
                let groupID = try #require(try jsonObject(group.body)["id"] as? String)
                let created = try await localRequest(
                    "POST", "/groups/\(groupID)/images", port: port, headers: json,
                    body: Array(#"{"title":"beach","contentType":"image/jpeg"}"#.utf8))
                let image = try jsonObject(created.body)
                let imageID = try #require(image["id"] as? String)
                let uploadURL = try #require(image["uploadUrl"] as? String)
                let upload = try #require(URL(string: uploadURL))
                let put = try await localRequest(
                    "PUT", upload.path + "?" + (upload.query ?? ""), port: port,
                    headers: [HTTPHeader(name: "Content-Type", value: "image/jpeg")],
                    body: try Testdata.bytes("landscape.jpg"))
                #expect(put.status == 200, "\(String(decoding: put.body, as: UTF8.self))")

                let fleet = try await CommandResult(["run", "--exit-when-idle"], in: folder, environment: environment)
                #expect(fleet.status == 0, "\(fleet.standardError)")
                let ready = try jsonObject(try await localRequest("GET", "/images/\(imageID)", port: port).body)
                #expect(ready["status"] as? String == "ready", "\(ready)")
                let thumbnail = try #require((ready["thumbnails"] as? [[String: Any]])?.first)
                let thumbnailURL = try #require(thumbnail["url"] as? String)
                let served = try await localRequest("GET", thumbnailURL, port: port)
                #expect(served.status == 200 && !served.body.isEmpty)
                server.send(SIGTERM)
                #expect(try await server.result().status == 0)
            }
        }
    }
}
