import Foundation
package import Logging
import SigV4

/// The instance profile's credentials from EC2 instance metadata, IMDSv2 only.
///
/// A session token from `PUT /latest/api/token` goes with `GET /latest/meta-data/iam/security-credentials/` (the role
/// name) and `GET …/security-credentials/ROLE` (the credentials). The endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT`,
/// else IPv4 or, with `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, IPv6; `AWS_EC2_METADATA_DISABLED=true` turns the
/// provider off. The default one-second deadline lets a machine that is not on EC2 move on quickly
/// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html,
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-credentials.html).
package struct InstanceMetadataCredentialProvider: TemporaryCredentialProvider {
    /// The IPv4 instance metadata endpoint.
    private static let ipv4Endpoint = "http://169.254.169.254"
    /// The IPv6 instance metadata endpoint.
    private static let ipv6Endpoint = "http://[fd00:ec2::254]"
    /// How long a session token lives, in seconds (the maximum, six hours); one is fetched per refresh.
    private static let tokenLifetime = "21600"
    private static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    private let endpoint: Result<String, AWSError>
    private let http: CredentialEndpoint

    /// Reads the endpoint settings from `environment` (by default the process's); requests go through `transport`.
    ///
    /// The timeout per request is `timeout`, unless `AWS_METADATA_SERVICE_TIMEOUT` (seconds, as the AWS SDKs read it)
    /// sets another; short by default so a machine that is not on EC2 falls through the chain quickly.
    package init(
        transport: any AWSTransport, environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = .seconds(1), logger: Logger
    ) {
        let endpoint = Result { () throws(AWSError) in try Self.endpoint(from: environment) }
        self.endpoint = endpoint
        let name = (try? endpoint.get()).map { "instance metadata at \($0)" } ?? "instance metadata"
        let configured = environment.environmentValue("AWS_METADATA_SERVICE_TIMEOUT").flatMap(Double.init).map {
            Duration.seconds($0)
        }
        http = CredentialEndpoint(transport: transport, timeout: configured ?? timeout, name: name, logger: logger)
    }

    /// Fetches a session token, the role name and the role's credentials.
    package func fetchCredentials() async throws(AWSError) -> TemporaryCredentials {
        let endpoint = try endpoint.get()
        let tokenBody = try await http.fetch(
            "PUT", endpoint + "/latest/api/token",
            headers: [HTTPHeader(name: "X-aws-ec2-metadata-token-ttl-seconds", value: Self.tokenLifetime)])
        let session = [HTTPHeader(name: "X-aws-ec2-metadata-token", value: String(decoding: tokenBody, as: UTF8.self))]
        let roles = try await http.fetch("GET", endpoint + Self.credentialsPath, headers: session)
        guard
            let role = String(decoding: roles, as: UTF8.self).split(whereSeparator: \.isNewline).first?
                .trimmingCharacters(in: .whitespaces), !role.isEmpty
        else {
            throw AWSError(
                .credentialsUnavailable, "\(http.name) lists no IAM role for this instance", retryable: false)
        }
        let body = try await http.fetch(
            "GET", endpoint + Self.credentialsPath + URIEncoding.encode(role, preservingSlashes: false),
            headers: session)
        return try CredentialDocument.credentials(from: body, endpointName: http.name)
    }

    private static func endpoint(from environment: [String: String]) throws(AWSError) -> String {
        if environment.environmentValue("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            throw AWSError(.credentialsUnavailable, "disabled by AWS_EC2_METADATA_DISABLED", retryable: false)
        }
        if let endpoint = environment.environmentValue("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw AWSError(
                    .invalidConfiguration, "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL", retryable: false)
            }
            return endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        }
        switch environment.environmentValue("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() {
        case nil, "ipv4": return ipv4Endpoint
        case "ipv6": return ipv6Endpoint
        default:
            throw AWSError(
                .invalidConfiguration, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6", retryable: false)
        }
    }
}
