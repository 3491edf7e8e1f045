package import AWSClients
import Foundation
package import Logging
package import WorkerCore

/// The process's way to AWS: one connection pool, the credential chain, the region and the endpoints.
package struct AWSConnection: Sendable {
    /// The shared connection pool; `shutdown()` closes it.
    package let transport: HTTPClientTransport
    /// Signs, sends and retries.
    package let client: AWSClient
    /// The region requests are signed for.
    package let region: String
    private let settings: AWSSettings
    private let environment: [String: String]

    /// Resolves the region (configuration, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile) and sets up the
    /// credential chain (environment, web identity, profile files, container, instance metadata).
    package init(settings: AWSSettings, environment: [String: String], logger: Logger) throws(ConfigurationError) {
        let variable = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let profileRegion = try? SharedProfileFiles(environment: environment).region()
        guard let region = settings.region ?? variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? profileRegion
        else {
            throw ConfigurationError(
                problems: ["no AWS region: set aws.region, AWS_REGION or a region in your AWS profile"], source: "aws")
        }
        let transport = HTTPClientTransport()
        self.transport = transport
        self.region = region
        self.settings = settings
        self.environment = environment
        client = AWSClient(
            transport: transport,
            credentialProvider: CredentialProviderChain.default(
                transport: transport, region: region, logger: logger, environment: environment))
    }

    /// The endpoint of a service: `aws.endpoint_url`, else `AWS_ENDPOINT_URL_<SERVICE>`/`AWS_ENDPOINT_URL`, else AWS.
    package func endpoint(_ service: AWSService) throws(ConfigurationError) -> AWSEndpoint {
        do {
            return try AWSEndpoint.resolve(
                service, region: region, url: settings.endpointURL.flatMap(URL.init(string:)),
                environment: environment)
        } catch {
            throw ConfigurationError(problems: [error.message], source: "aws")
        }
    }

    /// An S3 client in the configured addressing style.
    package func s3() throws(ConfigurationError) -> S3Client {
        let addressing: S3AddressingStyle =
            switch settings.pathStyle {
            case .some(true): .path
            case .some(false): .virtualHosted
            case nil: .automatic
            }
        return S3Client(client: client, endpoint: try endpoint(.s3), addressing: addressing)
    }

    /// Closes the connection pool.
    package func shutdown() async {
        try? await transport.shutdown()
    }
}
