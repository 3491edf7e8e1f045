import Foundation
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// `ContainerCredentialProvider` against a loopback endpoint that behaves like the ECS/EKS agent.
struct CredentialsContainerTests {
    private static let expiration = "2026-11-20T12:00:00Z"

    private static func document(_ hit: Int) -> String {
        credentialDocument(accessKeyID: "ASIACONTAINER\(hit)", expiration: expiration)
    }

    @Test("AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN fetches the role's credentials")
    func fullURIWithToken() async throws {
        try await withTransport { transport in
            try await LoopbackServer.run(FakeContainerEndpoint.handler(document: Self.document)) { server in
                let provider = FakeContainerEndpoint.provider(on: server, transport: transport)
                let fetched = try await provider.fetchCredentials()
                #expect(fetched.credentials.accessKeyID == "ASIACONTAINER1")
                #expect(fetched.credentials.secretAccessKey == TestSecrets.secretAccessKey)
                #expect(fetched.credentials.sessionToken == TestSecrets.sessionToken)
                #expect(fetched.expiration == Date(timeIntervalSince1970: 1_795_176_000))
                #expect(server.requests.map(\.method) == ["GET"])
                #expect(server.requests.first?.header("Authorization") == TestSecrets.authorizationToken)
            }
        }
    }

    @Test("the token file wins over the token variable and is read again on every fetch")
    func tokenFile() async throws {
        try await TemporaryFolder.with { directory in
            let tokenFile = try write("first-file-token\n", to: "eks-pod-identity-token", in: directory)
            try await withTransport { transport in
                try await LoopbackServer.run({ _ in CannedResponse(body: Self.document(1)) }) { server in
                    let provider = FakeContainerEndpoint.provider(
                        on: server, transport: transport, extra: ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile])
                    _ = try await provider.fetchCredentials()
                    try write("rotated-file-token", to: "eks-pod-identity-token", in: directory)
                    _ = try await provider.fetchCredentials()
                    #expect(
                        server.requests.map { $0.header("Authorization") } == [
                            "first-file-token", "rotated-file-token",
                        ])
                }
            }
        }
    }

    @Test("without the token the endpoint refuses, and the error names the endpoint and status")
    func missingAuthorization() async throws {
        try await withTransport { transport in
            try await LoopbackServer.run(FakeContainerEndpoint.handler(document: Self.document)) { server in
                let provider = FakeContainerEndpoint.provider(on: server, transport: transport, authorized: false)
                let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
                #expect(error?.statusCode == 401)
                #expect(
                    error?.message
                        == "container endpoint \(server.url) answered HTTP 401 for \(FakeContainerEndpoint.path)")
            }
        }
    }

    @Test("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is a path on 169.254.170.2 and wins over the full URI")
    func relativeURI() async throws {
        let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
        let provider = ContainerCredentialProvider(
            transport: transport,
            environment: [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://x.test/",
            ],
            logger: .quiet
        )
        await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
        #expect(transport.requests.map(\.url.absoluteString) == ["http://169.254.170.2/v2/credentials/abc"])
    }

    @Test(
        "a plain-HTTP full URI must name a loopback, ECS or EKS address; https may name any host",
        arguments: [
            ("http://127.0.0.1:8080/creds", true), ("http://localhost/creds", true), ("http://[::1]/creds", true),
            ("http://169.254.170.2/creds", true), ("http://169.254.170.23/v1/credentials", true),
            ("http://[fd00:ec2::23]/v1/credentials", true), ("https://credentials.example.com/creds", true),
            ("http://credentials.example.com/creds", false), ("http://10.0.0.8/creds", false),
            ("ftp://127.0.0.1/x", false),
        ])
    func fullURIHosts(url: String, allowed: Bool) async {
        let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
        let provider = ContainerCredentialProvider(
            transport: transport, environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url], logger: .quiet)
        let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
        #expect(transport.requests.map(\.url.absoluteString) == (allowed ? [url] : []))
        #expect((error?.code == .invalidConfiguration) == !allowed)
    }

    @Test("with neither variable the provider says so without any request")
    func notConfigured() async {
        let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
        let provider = ContainerCredentialProvider(transport: transport, environment: [:], logger: .quiet)
        let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
        #expect(
            error?.message == "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set")
        #expect(transport.requests.map(\.url.absoluteString).isEmpty)
    }

    @Test(
        "a malformed document is reported by field, without quoting it",
        arguments: [
            (
                #"{"AccessKeyId": "A", "SecretAccessKey": "\#(TestSecrets.secretAccessKey)", "Expiration": "2026-11-20T12:00:00Z"}"#,
                "a credential document without Token"
            ),
            (
                #"{"AccessKeyId": "A", "SecretAccessKey": "\#(TestSecrets.secretAccessKey)", "Token": 7, "Expiration": "x"}"#,
                "a credential document whose Token is not a string"
            ),
            ("not json \(TestSecrets.secretAccessKey)", "a body that is not a JSON credential document"),
        ])
    func malformedDocument(body: String, problem: String) async throws {
        try await withTransport { transport in
            try await LoopbackServer.run({ _ in CannedResponse(body: body) }) { server in
                let provider = FakeContainerEndpoint.provider(on: server, transport: transport)
                let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
                #expect(error?.code == .invalidResponse)
                #expect(error?.message == "container endpoint \(server.url) sent \(problem)")
            }
        }
    }

    @Test("an Expiration that is not ISO 8601 is an invalid response; fractional seconds are fine")
    func expirationFormats() async throws {
        try await withTransport { transport in
            let bodies = [
                credentialDocument(accessKeyID: "A", expiration: "2026-11-20T12:00:00.250Z"),
                credentialDocument(accessKeyID: "A", expiration: "tomorrow"),
            ]
            try await LoopbackServer.run({ request in
                CannedResponse(body: request.path == "/0" ? bodies[0] : bodies[1])
            }) { server in
                func provider(_ path: String) -> ContainerCredentialProvider {
                    FakeContainerEndpoint.provider(on: server, path: path, transport: transport)
                }
                let fetched = try await provider("/0").fetchCredentials()
                #expect(fetched.expiration == Date(timeIntervalSince1970: 1_795_176_000.25))
                let error = await #expect(throws: AWSError.self) { try await provider("/1").fetchCredentials() }
                #expect(
                    error?.message
                        == "container endpoint \(server.url) sent an Expiration that is not an ISO 8601 time")
            }
        }
    }
}
