import Foundation
package import Logging
import SigV4

/// Role credentials from the ECS task metadata endpoint or the EKS Pod Identity agent.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on `http://169.254.170.2`; otherwise
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is the whole URL, which over plain HTTP must name a loopback, ECS or EKS host.
/// The `Authorization` header comes from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every fetch, as EKS rotates
/// it) or else `AWS_CONTAINER_AUTHORIZATION_TOKEN`
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html).
package struct ContainerCredentialProvider: TemporaryCredentialProvider {
    /// The ECS task metadata host `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is relative to.
    private static let ecsEndpoint = "http://169.254.170.2"
    /// Hosts a plain-HTTP full URI may name: loopback, ECS's and EKS Pod Identity's addresses.
    private static let plainHTTPHosts: Set<String> = [
        "localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23",
    ]

    /// Where the token for the `Authorization` header comes from.
    private enum Authorization: Sendable {
        case none
        case token(Secret)
        case file(String)
    }

    /// A usable endpoint from the environment.
    private struct Endpoint: Sendable {
        let url: String
        let authorization: Authorization
    }

    private let endpoint: Result<Endpoint, AWSError>
    private let http: CredentialEndpoint

    /// Reads the endpoint settings from `environment` (by default the process's); requests go through `transport`.
    package init(
        transport: any AWSTransport, environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = .seconds(5), logger: Logger
    ) {
        let endpoint = Result { () throws(AWSError) in try Self.endpoint(from: environment) }
        self.endpoint = endpoint
        let name = (try? endpoint.get()).flatMap { URL(string: $0.url) }.map {
            "container endpoint \(Self.origin(of: $0))"
        }
        http = CredentialEndpoint(
            transport: transport, timeout: timeout, name: name ?? "container endpoint", logger: logger)
    }

    /// Fetches the role's credentials from the endpoint.
    package func fetchCredentials() async throws(AWSError) -> TemporaryCredentials {
        let endpoint = try endpoint.get()
        var headers: [HTTPHeader] = []
        if let token = try Self.token(endpoint.authorization) {
            headers.append(HTTPHeader(name: "Authorization", value: token))
        }
        let body = try await http.fetch("GET", endpoint.url, headers: headers)
        return try CredentialDocument.credentials(from: body, endpointName: http.name)
    }

    private static func endpoint(from environment: [String: String]) throws(AWSError) -> Endpoint {
        let authorization: Authorization =
            if let file = environment.environmentValue("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
                .file(file)
            } else if let token = environment.environmentValue("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
                .token(Secret(value: token))
            } else {
                .none
            }
        if let relative = environment.environmentValue("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            return Endpoint(url: ecsEndpoint + path, authorization: authorization)
        }
        guard let full = environment.environmentValue("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            throw AWSError(
                .credentialsUnavailable,
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set",
                retryable: false
            )
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            scheme == "https" || (scheme == "http" && isAllowedPlainHTTPHost(host))
        else {
            throw AWSError(
                .invalidConfiguration,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an https URL, or an http URL on a loopback, ECS "
                    + "(169.254.170.2) or EKS (169.254.170.23, fd00:ec2::23) address",
                retryable: false
            )
        }
        return Endpoint(url: full, authorization: authorization)
    }

    private static func isAllowedPlainHTTPHost(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return plainHTTPHosts.contains(bare) || bare.hasPrefix("127.")
    }

    /// `scheme://host:port` of `url`; messages leave out the path, which for ECS is a per-task id.
    private static func origin(of url: URL) -> String {
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(url.scheme ?? "http")://\(url.host ?? "")\(port)"
    }

    private static func token(_ authorization: Authorization) throws(AWSError) -> String? {
        let token: String
        switch authorization {
        case .none:
            return nil
        case .token(let secret):
            token = secret.value
        case .file(let path):
            token = try TextFile.token(at: path, namedBy: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        }
        guard !token.contains(where: \.isNewline) else {
            throw AWSError(.invalidConfiguration, "the container authorization token spans lines", retryable: false)
        }
        return token
    }
}
