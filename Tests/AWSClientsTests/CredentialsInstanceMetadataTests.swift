import Foundation
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// `InstanceMetadataCredentialProvider` against a loopback endpoint that behaves like EC2's IMDSv2.
struct CredentialsInstanceMetadataTests {
    private static let document = credentialDocument(
        accessKeyID: "ASIAINSTANCE", expiration: "2026-11-20T18:00:00Z", code: "Success")

    /// Generous for endpoints that do answer: the production 1 s connect timeout is too tight for a loaded CI machine.
    static let answeringTimeout: Duration = .seconds(30)

    @Test("a session token is fetched first and sent with both metadata requests")
    func imdsV2Flow() async throws {
        try await withTransport { transport in
            try await LoopbackServer.run(FakeInstanceMetadata.handler(document: Self.document)) { server in
                let provider = InstanceMetadataCredentialProvider(
                    transport: transport, environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url + "/"],
                    timeout: Self.answeringTimeout, logger: .quiet)
                let fetched = try await provider.fetchCredentials()
                #expect(fetched.credentials.accessKeyID == "ASIAINSTANCE")
                #expect(fetched.credentials.secretAccessKey == TestSecrets.secretAccessKey)
                #expect(fetched.credentials.sessionToken == TestSecrets.sessionToken)
                #expect(fetched.expiration == Date(timeIntervalSince1970: 1_795_197_600))
                let requests = server.requests
                #expect(
                    requests.map { "\($0.method) \($0.path)" } == [
                        "PUT /latest/api/token",
                        "GET /latest/meta-data/iam/security-credentials/",
                        "GET /latest/meta-data/iam/security-credentials/\(FakeInstanceMetadata.role)",
                    ])
                #expect(requests.first?.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600")
                #expect(
                    requests.dropFirst().allSatisfy {
                        $0.header("X-aws-ec2-metadata-token") == TestSecrets.metadataToken
                    })
            }
        }
    }

    @Test("a Code other than Success is reported")
    func failureCode() async throws {
        let document = credentialDocument(accessKeyID: "A", expiration: "2026-11-20T18:00:00Z", code: "InvalidRole")
        try await withTransport { transport in
            try await LoopbackServer.run(FakeInstanceMetadata.handler(document: document)) { server in
                let provider = InstanceMetadataCredentialProvider(
                    transport: transport, environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url],
                    timeout: Self.answeringTimeout, logger: .quiet)
                let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
                #expect(error?.message == "instance metadata at \(server.url) answered Code InvalidRole")
            }
        }
    }

    @Test("an instance without a role gets a 404, reported with the path")
    func noRole() async throws {
        try await withTransport { transport in
            try await LoopbackServer.run({ request in
                CannedResponse(status: request.method == "PUT" ? 200 : 404, body: request.method == "PUT" ? "t" : "")
            }) { server in
                let provider = InstanceMetadataCredentialProvider(
                    transport: transport, environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url],
                    timeout: Self.answeringTimeout, logger: .quiet)
                let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
                #expect(error?.code == .credentialsUnavailable)
                #expect(
                    error?.message
                        == "instance metadata at \(server.url) answered HTTP 404 for /latest/meta-data/iam/security-credentials/"
                )
            }
        }
    }

    @Test("an endpoint that does not answer in time is a timeout, so the chain can move on")
    func timeout() async throws {
        let release = OneShotLatch()
        try await withTransport { transport in
            try await LoopbackServer.run({ _ in
                await release.wait()
                return CannedResponse(status: 503)
            }) { server in
                let provider = InstanceMetadataCredentialProvider(
                    transport: transport, environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url],
                    timeout: .milliseconds(200), logger: .quiet)
                let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
                release.open()
                #expect(error?.code == .timeout)
                #expect(error?.message.hasPrefix("instance metadata at \(server.url): ") == true)
            }
        }
    }

    @Test(
        "the endpoint defaults to 169.254.169.254, or fd00:ec2::254 in IPv6 mode",
        arguments: [
            ([:], "http://169.254.169.254/latest/api/token"),
            (["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], "http://[fd00:ec2::254]/latest/api/token"),
        ])
    func defaultEndpoints(environment: [String: String], url: String) async {
        let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
        let provider = InstanceMetadataCredentialProvider(
            transport: transport, environment: environment, logger: .quiet)
        await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
        #expect(transport.requests.map(\.url.absoluteString) == [url])
    }

    @Test("AWS_EC2_METADATA_DISABLED=true turns the provider off without any request")
    func disabled() async {
        let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
        let provider = InstanceMetadataCredentialProvider(
            transport: transport, environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"], logger: .quiet)
        let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
        #expect(error?.message == "disabled by AWS_EC2_METADATA_DISABLED")
        #expect(transport.requests.map(\.url.absoluteString).isEmpty)
    }

    @Test(
        "a bad endpoint or mode is a configuration error",
        arguments: [
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "169.254.169.254"],
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv5"],
        ])
    func badSettings(environment: [String: String]) async {
        let provider = InstanceMetadataCredentialProvider(
            transport: InMemoryTransport(answering: AWSHTTPResponse(status: 404)), environment: environment,
            logger: .quiet)
        let error = await #expect(throws: AWSError.self) { try await provider.fetchCredentials() }
        #expect(error?.code == .invalidConfiguration)
    }
}
