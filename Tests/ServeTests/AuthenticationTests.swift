import AppCore
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import LocalBackend
import Serve
import TestSupport
import Testing

/// The claims the tests sign.
private struct Claims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iss: IssuerClaim?
    var aud: AudienceClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The HS256 secret of the tests.
private let secret = "a test secret of at least thirty-two bytes"

/// Tokens for the tests, signed with the test keys in `testdata/jwt/`.
private enum Token {
    /// An HS256 token for `subject`, expiring in an hour (or an hour ago), signed with `key`.
    static func hs256(_ subject: String, key: String = secret, expired: Bool = false) async throws -> String {
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        return try await keys.sign(claims(subject, expired: expired))
    }

    /// An RS256 token for `subject` with the `kid` of the test JWKS, signed with `testdata/jwt/{pem}.pem`.
    static func rs256(
        _ subject: String, pem: String = "signer", kid: String = "test-signer", expired: Bool = false,
        issuer: String = "https://id.example.com"
    ) async throws -> String {
        let key = try Insecure.RSA.PrivateKey(pem: try Testdata.text("jwt/\(pem).pem"))
        let keys = await JWTKeyCollection().add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        var claims = claims(subject, expired: expired)
        claims.iss = IssuerClaim(value: issuer)
        claims.aud = AudienceClaim(value: ["thumbworker"])
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }

    private static func claims(_ subject: String, expired: Bool) -> Claims {
        Claims(
            sub: SubjectClaim(value: subject),
            exp: ExpirationClaim(value: Date(timeIntervalSinceNow: expired ? -3600 : 3600)))
    }
}

/// The app with HS256 tokens required.
private func hs256App() async throws -> LocalApp {
    try LocalApp(
        authentication: Authentication(verifier: await JWTVerifier.hs256(secret: secret, issuer: nil, audience: nil)))
}

/// The app with RS256 tokens of the test JWKS required, issued by `https://id.example.com` for `thumbworker`.
private func rs256App() async throws -> LocalApp {
    let jwks = try Testdata.text("jwt/signer.jwks.json")
    let verifier = try await JWTVerifier.rs256(
        jwks: { jwks }, issuer: "https://id.example.com", audience: "thumbworker")
    return try LocalApp(authentication: Authentication(verifier: verifier))
}

/// POSTs a group with `Authorization: authorization` (none when nil) and hands back the response.
private func postGroup<Result>(
    _ client: some TestClientProtocol, authorization: String?, _ check: @escaping (TestResponse) throws -> Result
) async throws -> Result {
    var headers = jsonHeaders
    if let authorization { headers[.authorization] = authorization }
    return try await client.execute(uri: "/groups", method: .post, headers: headers, body: json(#"{"name":"trip"}"#)) {
        try check($0)
    }
}

/// The error message of a JSON error answer.
private func errorMessage(_ response: TestResponse) throws -> String {
    try #require((try object(response)["error"] as? [String: Any])?["message"] as? String)
}

@Suite("serve: bearer JWTs for the writing routes and the websocket")
struct AuthenticationTests {
    @Test("HS256: a valid token writes and is recorded as the owner; missing, malformed, expired or foreign is a 401")
    func hs256() async throws {
        let app = try await hs256App()
        try await app.application.test(.router) { client in
            let valid = try await Token.hs256("alice")
            let group = try await postGroup(client, authorization: "Bearer \(valid)") { response in
                #expect(response.status == .created)
                return try object(response)
            }
            #expect(group["owner"] as? String == "alice")
            let refusals: [(String?, String)] = [
                (nil, "send Authorization: Bearer"),
                ("Basic YWxpY2U6cHc=", "must be Bearer"),
                ("Bearer \(try await Token.hs256("alice", expired: true))", "expired"),
                (
                    "Bearer \(try await Token.hs256("alice", key: "another secret of thirty-two bytes or more"))",
                    "verify"
                ),
                ("Bearer not.a.jwt", "verify"),
            ]
            for (authorization, reason) in refusals {
                try await postGroup(client, authorization: authorization) { response in
                    #expect(response.status == .unauthorized, "\(authorization ?? "none")")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    let message = try errorMessage(response)
                    #expect(message.contains(reason), "\(authorization ?? "none"): \(message)")
                }
            }
            try await client.execute(uri: "/groups", method: .get) { response in
                let listed = try object(response)
                #expect((listed["items"] as? [Any])?.count == 1, "reading needs no token")
            }
        }
    }

    @Test("RS256 against a JWKS: a valid token writes; another key, expired, another issuer or an HS256 token is a 401")
    func rs256() async throws {
        let app = try await rs256App()
        try await app.application.test(.router) { client in
            try await postGroup(client, authorization: "Bearer \(try await Token.rs256("bob"))") { response in
                #expect(response.status == .created)
                let group = try object(response)
                #expect(group["owner"] as? String == "bob")
            }
            let refusals: [(String, String)] = [
                (try await Token.rs256("bob", pem: "stranger"), "verify"),
                (try await Token.rs256("bob", expired: true), "expired"),
                (try await Token.rs256("bob", issuer: "https://evil.example.com"), "issuer"),
                (try await Token.hs256("bob"), "verify"),
            ]
            for (token, reason) in refusals {
                try await postGroup(client, authorization: "Bearer \(token)") { response in
                    #expect(response.status == .unauthorized)
                    let message = try errorMessage(response)
                    #expect(message.contains(reason), "\(reason): \(message)")
                }
            }
        }
    }

    @Test(
        "a token with a key the JWKS lacked verifies once the issuer publishes it: the JWKS is read again, not each time"
    )
    func rotation() async throws {
        let published = Locked([try Testdata.text("jwt/signer.jwks.json")])
        let reads = Locked(0)
        let verifier = try await JWTVerifier.rs256(
            jwks: {
                reads.withLock { $0 += 1 }
                return published.value.last ?? ""
            }, issuer: nil, audience: nil, refreshInterval: .zero)
        let rotated = try await Token.rs256("carol", pem: "stranger", kid: "test-rotated")
        await #expect(throws: AppError.self) { _ = try await verifier.subject(ofToken: rotated) }
        let rotatedJWKS = try Testdata.text("jwt/rotated.jwks.json")
        published.withLock { $0.append(rotatedJWKS) }
        #expect(try await verifier.subject(ofToken: rotated) == "carol")
        #expect(try await verifier.subject(ofToken: try await Token.rs256("bob")) == "bob", "the old key still works")
        #expect(reads.value == 3, "read at start and once for each unknown kid, not for known ones")

        let slow = try await JWTVerifier.rs256(jwks: { published.value[0] }, issuer: nil, audience: nil)
        await #expect(throws: AppError.self, "within a minute of the last read it is not read again") {
            _ = try await slow.subject(ofToken: rotated)
        }
    }

    @Test("only the owner deletes an image or a group: another user gets a 403")
    func owners() async throws {
        let app = try await hs256App()
        try await app.application.test(.router) { client in
            let alice: HTTPFields = [.authorization: "Bearer \(try await Token.hs256("alice"))"]
            let mallory: HTTPFields = [.authorization: "Bearer \(try await Token.hs256("mallory"))"]
            let group = try await postGroup(client, authorization: alice[.authorization]) {
                try #require(try object($0)["id"] as? String)
            }
            let image = try await client.execute(
                uri: "/groups/\(group)/images", method: .post, headers: jsonHeaders + alice,
                body: json(#"{"title":"beach"}"#)
            ) { try #require(try object($0)["id"] as? String) }
            for uri in ["/images/\(image)", "/groups/\(group)"] {
                try await client.execute(uri: uri, method: .delete, headers: mallory) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                    let message = try errorMessage(response)
                    #expect(message.contains("belongs to another user"))
                }
            }
            try await client.execute(uri: "/images/\(image)", method: .delete, headers: alice) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/groups/\(group)", method: .delete, headers: alice) {
                #expect($0.status == .noContent)
            }
        }
    }

    @Test("the websocket asks for the token in the first message before it lets a client follow a group")
    func websocket() async throws {
        let app = try await hs256App()
        try await app.server.application(host: "127.0.0.1", port: 0, logger: .quiet).test(.live) { client in
            let group = try await postGroup(client, authorization: "Bearer \(try await Token.hs256("alice"))") {
                try #require(try object($0)["id"] as? String)
            }
            let port = try #require(client.port)
            let url = try #require(URL(string: "ws://127.0.0.1:\(port)/live"))
            try await WebSocketTestClient.connect(to: url) { live in
                let subscribe = #"{"action":"subscribe","groupId":"\#(group)"}"#
                try await live.send(subscribe)
                try await live.send(
                    #"{"action":"authenticate","token":"\#(try await Token.hs256("alice", expired: true))"}"#)
                try await live.send(#"{"action":"authenticate","token":"\#(try await Token.hs256("alice"))"}"#)
                try await live.send(subscribe)
                let answers = try await live.take(4).map {
                    try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
                }
                #expect(answers.map { $0["type"] as? String } == ["error", "error", "authenticated", "subscribed"])
                #expect((answers[0]["message"] as? String)?.contains("authenticate first") == true)
                #expect((answers[1]["message"] as? String)?.contains("expired") == true)
            }
        }
    }
}

/// Both headers' fields.
private func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
    var fields = lhs
    fields.append(contentsOf: rhs)
    return fields
}
