import Foundation
import TestSupport
import Testing

@testable import AWSClients

/// No provider's description, dump, error or log ever shows a secret key, session token or bearer token.
struct CredentialsRedactionTests {
    /// An environment holding every kind of secret the providers read.
    private static func environment(home: URL, tokenFile: String, server: String) -> [String: String] {
        [
            "HOME": home.path,
            "AWS_ACCESS_KEY_ID": "ASIAENVIRONMENT", "AWS_SECRET_ACCESS_KEY": TestSecrets.secretAccessKey,
            "AWS_SESSION_TOKEN": TestSecrets.sessionToken,
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": FakeSTS.roleARN, "AWS_ENDPOINT_URL_STS": server,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server + "/not-found",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": TestSecrets.authorizationToken,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": server,
        ]
    }

    @Test("providers built from secret-laden settings describe and dump without them")
    func providerDescriptions() async throws {
        try await TemporaryFolder.with { home in
            let tokenFile = try write(TestSecrets.webIdentityToken, to: "token", in: home)
            try write(
                "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = \(TestSecrets.secretAccessKey)\n"
                    + "aws_session_token = \(TestSecrets.sessionToken)\n",
                to: ".aws/credentials", in: home)
            let environment = Self.environment(home: home, tokenFile: tokenFile, server: "http://127.0.0.1:9")
            let transport = InMemoryTransport(answering: AWSHTTPResponse(status: 404))
            let container = ContainerCredentialProvider(
                transport: transport, environment: environment, logger: .quiet)
            let providers: [Any] = [
                EnvironmentCredentialProvider(environment: environment),
                ProfileCredentialProvider(environment: environment),
                container,
                WebIdentityCredentialProvider(
                    transport: transport, environment: environment, region: nil, logger: .quiet),
                InstanceMetadataCredentialProvider(
                    transport: transport, environment: environment, logger: .quiet),
                RefreshingCredentialProvider(container, logger: .quiet),
                CredentialProviderChain.default(
                    transport: transport, region: nil, logger: .quiet, environment: environment),
                Secret(value: TestSecrets.authorizationToken),
            ]
            for provider in providers {
                TestSecrets.expectAbsent(from: TestSecrets.renderings(of: provider))
            }
        }
    }

    @Test("errors and logs from every failure path leave secrets out")
    func errorsAndLogs() async throws {
        let leakyAnswers: @Sendable (RecordedRequest) async -> CannedResponse = { request in
            // Each endpoint answers with something the provider cannot use that quotes the secrets it could know:
            // STS quotes the web identity token it was sent, the others send documents full of secrets.
            let body = TestSecrets.all.joined(separator: " ")
            switch request.path {
            case "/":
                let message = "Token \(TestSecrets.webIdentityToken) is not valid"
                return CannedResponse(
                    status: 400,
                    body: "<ErrorResponse><Error><Code>X</Code><Message>\(message)</Message></Error></ErrorResponse>")
            case "/latest/api/token": return CannedResponse(body: TestSecrets.metadataToken)
            case "/latest/meta-data/iam/security-credentials/": return CannedResponse(body: "role")
            default: return CannedResponse(body: "{\"AccessKeyId\": \"\(body)\", \"SecretAccessKey\": 1}")
            }
        }
        try await TemporaryFolder.with { home in
            let tokenFile = try write(TestSecrets.webIdentityToken, to: "token", in: home)
            try write("[default]\n\(TestSecrets.secretAccessKey)\n", to: ".aws/credentials", in: home)
            try await withTransport { transport in
                try await LoopbackServer.run(leakyAnswers) { server in
                    var environment = Self.environment(home: home, tokenFile: tokenFile, server: server.url)
                    environment["AWS_ACCESS_KEY_ID"] = nil
                    let (logger, records) = MetadataLogHandler.logger()
                    var errors: [AWSError] = []
                    let sources: [any TemporaryCredentialProvider] = [
                        ContainerCredentialProvider(transport: transport, environment: environment, logger: logger),
                        WebIdentityCredentialProvider(
                            transport: transport, environment: environment, region: nil, logger: logger),
                        InstanceMetadataCredentialProvider(
                            transport: transport, environment: environment, logger: logger),
                    ]
                    for source in sources {
                        do throws(AWSError) { _ = try await source.fetchCredentials() } catch { errors.append(error) }
                    }
                    let chain = CredentialProviderChain.default(
                        transport: transport, region: nil, logger: logger, environment: environment)
                    do throws(AWSError) { _ = try await chain.credentials() } catch { errors.append(error) }
                    #expect(errors.count == 4)
                    #expect(errors.last?.message.contains("environment: AWS_SECRET_ACCESS_KEY is set") == true)
                    TestSecrets.expectAbsent(from: errors.flatMap { TestSecrets.renderings(of: $0) })
                    TestSecrets.expectAbsent(from: records.value.map(\.line))
                    #expect(!records.value.map(\.line).isEmpty)
                }
            }
        }
    }
}
