import Foundation
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// `CredentialProviderChain`: order, fall-through, stickiness and the combined error, with fakes and with the default chain.
struct CredentialsChainTests {
    private static func credentials(_ keyID: String) -> Credentials {
        Credentials(accessKeyID: keyID, secretAccessKey: TestSecrets.secretAccessKey)
    }

    private static func unavailable(_ reason: String, retryable: Bool = false) -> AWSError {
        AWSError(.credentialsUnavailable, reason, retryable: retryable)
    }

    @Test("the first provider with credentials answers, later ones are not asked, and it keeps answering alone")
    func orderAndStickiness() async throws {
        let first = CountingProvider(.failure(Self.unavailable("nothing here")))
        let second = CountingProvider(.success(Self.credentials("AKIASECOND")))
        let third = CountingProvider(.success(Self.credentials("AKIATHIRD")))
        let chain = CredentialProviderChain(
            [.init("first", first), .init("second", second), .init("third", third)], logger: .quiet)
        #expect(try await accessKeyID(from: chain) == "AKIASECOND")
        #expect(try await accessKeyID(from: chain) == "AKIASECOND")
        #expect([first.calls, second.calls, third.calls] == [1, 2, 0] as [Int])
    }

    @Test("when every provider fails, one error lists each with its reason, retryable if any failure was")
    func combinedError() async {
        let chain = CredentialProviderChain(
            [
                .init("environment", CountingProvider(.failure(Self.unavailable("AWS_ACCESS_KEY_ID not set")))),
                .init("instance metadata", CountingProvider(.failure(Self.unavailable("no answer", retryable: true)))),
            ],
            logger: .quiet
        )
        let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
        #expect(error?.code == .credentialsUnavailable)
        #expect(
            error?.message
                == "no AWS credentials found; tried environment: AWS_ACCESS_KEY_ID not set; instance metadata: no answer"
        )
        #expect(error?.isRetryable == true)
    }

    @Test("with nothing configured the default chain names all five sources, in the SDKs' order, with reasons")
    func defaultChainNothingConfigured() async throws {
        try await TemporaryFolder.with { home in
            let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
            let chain = CredentialProviderChain.default(
                transport: transport, region: "eu-west-1", logger: .quiet,
                environment: ["HOME": home.path, "AWS_EC2_METADATA_DISABLED": "true"])
            let error = await #expect(throws: AWSError.self) { try await chain.credentials() }
            #expect(
                error?.message == """
                    no AWS credentials found; tried environment: AWS_ACCESS_KEY_ID not set; \
                    web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set; \
                    profile 'default': \(home.path)/.aws/credentials not found, \(home.path)/.aws/config not found; \
                    container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set; \
                    instance metadata: disabled by AWS_EC2_METADATA_DISABLED
                    """)
            #expect(error?.isRetryable == false)
            #expect(transport.requests.map(\.url.absoluteString).isEmpty)
        }
    }

    /// The sources the default chain can find, each set up against one loopback server.
    enum Source: CaseIterable, Sendable {
        /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
        case environment
        /// A token file and STS.
        case webIdentity
        /// `~/.aws/credentials`.
        case profile
        /// The container endpoint.
        case container
        /// IMDSv2.
        case instanceMetadata
    }

    @Test(
        "the default chain prefers environment, then web identity, profile, container, instance metadata",
        arguments: Source.allCases)
    func defaultChainOrder(winner: Source) async throws {
        let expiration = "2026-11-20T12:00:00Z"
        let sts = FakeSTS.handler(expiration: expiration) { _ in "ASIAWEBIDENTITY" }
        let container = FakeContainerEndpoint.handler { _ in
            credentialDocument(accessKeyID: "ASIACONTAINER", expiration: expiration)
        }
        let metadata = FakeInstanceMetadata.handler(
            document: credentialDocument(accessKeyID: "ASIAINSTANCE", expiration: expiration, code: "Success"))
        let handler: @Sendable (RecordedRequest) async -> CannedResponse = { request in
            switch request.path {
            case "/": await sts(request)
            case FakeContainerEndpoint.path: await container(request)
            default: await metadata(request)
            }
        }
        try await TemporaryFolder.with { home in
            let tokenFile = try write(TestSecrets.webIdentityToken, to: "token", in: home)
            try write(
                "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = \(TestSecrets.secretAccessKey)\n",
                to: ".aws/credentials", in: home)
            try await withTransport { transport in
                try await LoopbackServer.run(handler) { server async throws in
                    // Every source is configured; the ones ahead of `winner` are then taken away.
                    var environment = [
                        "HOME": home.path,
                        "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT", "AWS_SECRET_ACCESS_KEY": TestSecrets.secretAccessKey,
                        "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": FakeSTS.roleARN,
                        "AWS_ENDPOINT_URL_STS": server.url,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url + FakeContainerEndpoint.path,
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN": TestSecrets.authorizationToken,
                        "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url,
                        // The 1 s default is too tight for a loaded CI machine; this endpoint always answers.
                        "AWS_METADATA_SERVICE_TIMEOUT": "30",
                    ]
                    let takeAway: [Source: @Sendable (inout [String: String]) -> Void] = [
                        .environment: { $0["AWS_ACCESS_KEY_ID"] = nil },
                        .webIdentity: { $0["AWS_WEB_IDENTITY_TOKEN_FILE"] = nil },
                        .profile: { $0["HOME"] = home.appendingPathComponent("empty-home").path },
                        .container: { $0["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = nil },
                    ]
                    for source in Source.allCases.prefix(while: { $0 != winner }) {
                        takeAway[source]?(&environment)
                    }
                    let (logger, records) = MetadataLogHandler.logger()
                    let chain = CredentialProviderChain.default(
                        transport: transport, region: nil, logger: logger, environment: environment)
                    let expected: [Source: String] = [
                        .environment: "AKIAENVIRONMENT", .webIdentity: "ASIAWEBIDENTITY", .profile: "AKIAPROFILE",
                        .container: "ASIACONTAINER", .instanceMetadata: "ASIAINSTANCE",
                    ]
                    #expect(try await accessKeyID(from: chain) == expected[winner])
                    let names: [Source: String] = [
                        .environment: "environment", .webIdentity: "web identity", .profile: "profile 'default'",
                        .container: "container", .instanceMetadata: "instance metadata",
                    ]
                    let logged = records.value.map(\.line)
                    #expect(
                        logged.contains { $0.hasPrefix("info using AWS credentials") && $0.contains(names[winner]!) })
                    TestSecrets.expectAbsent(from: logged)
                }
            }
        }
    }
}
