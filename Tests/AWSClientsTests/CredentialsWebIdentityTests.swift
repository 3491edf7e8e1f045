import Foundation
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// `WebIdentityCredentialProvider` against a loopback endpoint that behaves like STS's query protocol.
struct CredentialsWebIdentityTests {
    private static let expiration = "2026-11-20T13:00:00Z"

    /// The IRSA variables for a token file in `directory` and STS at `endpoint`.
    private static func environment(tokenFile: String, endpoint: String, _ extra: [String: String] = [:]) -> [String:
        String]
    {
        [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": FakeSTS.roleARN, "AWS_ENDPOINT_URL_STS": endpoint,
        ].merging(extra) { $1 }
    }

    @Test("the form carries the documented fields and the XML answer becomes credentials")
    func assumeRole() async throws {
        try await TemporaryFolder.with { directory in
            let tokenFile = try write(TestSecrets.webIdentityToken + "\n", to: "token", in: directory)
            try await withTransport { transport in
                try await LoopbackServer.run(FakeSTS.handler(expiration: Self.expiration)) { server in
                    let provider = WebIdentityCredentialProvider(
                        transport: transport,
                        environment: Self.environment(
                            tokenFile: tokenFile, endpoint: server.url, ["AWS_ROLE_SESSION_NAME": "thumbworker-pod-7"]),
                        region: "eu-west-1", logger: .quiet)
                    let fetched = try await provider.fetchCredentials()
                    #expect(fetched.credentials.accessKeyID == "ASIASTS1")
                    #expect(fetched.credentials.secretAccessKey == TestSecrets.secretAccessKey)
                    #expect(fetched.credentials.sessionToken == TestSecrets.sessionToken)
                    #expect(fetched.expiration == Date(timeIntervalSince1970: 1_795_179_600))
                    let request = try #require(server.requests.first)
                    #expect(request.header("Authorization") == nil, "the call is unsigned")
                    #expect(
                        FakeSTS.formFields(request.body) == [
                            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": FakeSTS.roleARN,
                            "RoleSessionName": "thumbworker-pod-7", "WebIdentityToken": TestSecrets.webIdentityToken,
                        ])
                }
            }
        }
    }

    @Test("the token file is read again on every fetch, and the session is named from the clock by default")
    func rotatedToken() async throws {
        try await TemporaryFolder.with { directory in
            let tokenFile = try write("first-token", to: "token", in: directory)
            let current = Locked("first-token")
            try await withTransport { transport in
                try await LoopbackServer.run(
                    FakeSTS.handler(expectedToken: { current.value }, expiration: Self.expiration)
                ) { server in
                    let clock = ManualClock(Date(timeIntervalSince1970: 1_795_170_000))
                    let provider = WebIdentityCredentialProvider(
                        transport: transport, environment: Self.environment(tokenFile: tokenFile, endpoint: server.url),
                        region: nil, now: clock.now, logger: .quiet)
                    #expect(try await provider.fetchCredentials().credentials.accessKeyID == "ASIASTS1")
                    try write("second-token", to: "token", in: directory)
                    current.withLock { $0 = "second-token" }
                    #expect(try await provider.fetchCredentials().credentials.accessKeyID == "ASIASTS2")
                    let forms = server.requests.map { FakeSTS.formFields($0.body) }
                    #expect(forms.map { $0["WebIdentityToken"] } == ["first-token", "second-token"])
                    #expect(forms.first?["RoleSessionName"] == "thumbworker-1795170000")
                }
            }
        }
    }

    @Test("an STS error keeps its code, status and request id, and its message is scrubbed of the token")
    func stsError() async throws {
        try await TemporaryFolder.with { directory in
            let tokenFile = try write(TestSecrets.webIdentityToken, to: "token", in: directory)
            try await withTransport { transport in
                try await LoopbackServer.run(FakeSTS.handler(expectedToken: { "another" }, expiration: Self.expiration))
                { server in
                    let provider = WebIdentityCredentialProvider(
                        transport: transport, environment: Self.environment(tokenFile: tokenFile, endpoint: server.url),
                        region: nil, logger: .quiet)
                    let error = try #require(
                        await #expect(throws: AWSError.self) { try await provider.fetchCredentials() })
                    #expect(error.code == .service)
                    #expect(error.serviceCode == "InvalidIdentityToken")
                    #expect(error.statusCode == 400)
                    #expect(error.requestID == FakeSTS.requestID)
                    #expect(!error.isRetryable)
                    #expect(
                        error.message
                            == "STS AssumeRoleWithWebIdentity failed: InvalidIdentityToken: Token <redacted> is not valid"
                    )
                }
            }
        }
    }

    @Test(
        "IDPCommunicationError and 5xx answers are retryable; a success that is not XML is an invalid response",
        arguments: [
            (
                400,
                "<ErrorResponse><Error><Code>IDPCommunicationError</Code><Message>m</Message></Error></ErrorResponse>",
                AWSError.Code.service, true
            ),
            (503, "<ErrorResponse><Error><Code>ServiceUnavailable</Code></Error></ErrorResponse>", .service, true),
            (
                403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>m</Message></Error></ErrorResponse>",
                .service, false
            ),
            (200, "<html>not sts</html", .invalidResponse, false),
        ])
    func answerKinds(status: Int, body: String, code: AWSError.Code, retryable: Bool) async throws {
        try await TemporaryFolder.with { directory in
            let tokenFile = try write(TestSecrets.webIdentityToken, to: "token", in: directory)
            try await withTransport { transport in
                try await LoopbackServer.run({ _ in CannedResponse(status: status, body: body) }) { server in
                    let provider = WebIdentityCredentialProvider(
                        transport: transport, environment: Self.environment(tokenFile: tokenFile, endpoint: server.url),
                        region: nil, logger: .quiet)
                    let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
                    #expect(error?.code == code)
                    #expect(error?.isRetryable == retryable)
                }
            }
        }
    }

    @Test(
        "the endpoint is AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL (unless ignored), else regional STS, else global",
        arguments: [
            (
                ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1/", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"], "eu-west-1",
                "http://127.0.0.1:1/"
            ),
            (["AWS_ENDPOINT_URL": "http://127.0.0.1:2"], "eu-west-1", "http://127.0.0.1:2/"),
            ([:], "eu-west-1", "https://sts.eu-west-1.amazonaws.com/"),
            ([:], "cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn/"),
            ([:], nil, "https://sts.amazonaws.com/"),
            (
                ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
                "eu-west-1",
                "https://sts.eu-west-1.amazonaws.com/"
            ),
            (["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"], nil, "http://127.0.0.1:1/"),
        ] as [([String: String], String?, String)])
    func endpoints(extra: [String: String], region: String?, url: String) async throws {
        try await TemporaryFolder.with { directory in
            let tokenFile = try write("token", to: "token", in: directory)
            let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
            let environment = ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": FakeSTS.roleARN].merging(extra)
            { $1 }
            let provider = WebIdentityCredentialProvider(
                transport: transport, environment: environment, region: region, logger: .quiet)
            await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
            #expect(transport.requests.map(\.url.absoluteString) == [url])
        }
    }

    @Test(
        "missing settings are named before any request",
        arguments: [
            ([:], "AWS_WEB_IDENTITY_TOKEN_FILE not set"),
            (
                ["AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token"],
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
            ),
            (
                ["AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token", "AWS_ROLE_ARN": FakeSTS.roleARN],
                "AWS_WEB_IDENTITY_TOKEN_FILE /nonexistent/token is missing or empty"
            ),
        ])
    func missingSettings(environment: [String: String], message: String) async {
        let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
        let provider = WebIdentityCredentialProvider(
            transport: transport, environment: environment, region: "eu-west-1", logger: .quiet)
        let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
        #expect(error?.message == message)
        #expect(transport.requests.map(\.url.absoluteString).isEmpty)
    }
}
