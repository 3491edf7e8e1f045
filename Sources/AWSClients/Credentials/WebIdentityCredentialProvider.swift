package import Foundation
package import Logging
import SigV4

/// Role credentials for a Kubernetes service account (EKS IRSA) from STS `AssumeRoleWithWebIdentity`.
///
/// `AWS_WEB_IDENTITY_TOKEN_FILE` holds the token (re-read on every fetch: the kubelet rotates it), `AWS_ROLE_ARN` the
/// role, `AWS_ROLE_SESSION_NAME` the optional session name. The call is an unsigned query-protocol POST to
/// `https://sts.REGION.amazonaws.com`, or to `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`
/// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html,
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html).
package struct WebIdentityCredentialProvider: TemporaryCredentialProvider {
    /// What the environment configures.
    private struct Configuration: Sendable {
        let tokenFile: String
        let roleARN: String
        let sessionName: String?
        let endpoint: String
    }

    private let configuration: Result<Configuration, AWSError>
    private let http: CredentialEndpoint
    private let now: @Sendable () -> Date

    /// Reads the settings from `environment` (by default the process's); `region` picks the STS endpoint, `now` names sessions.
    package init(
        transport: any AWSTransport, environment: [String: String] = ProcessInfo.processInfo.environment,
        region: String?,
        timeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        let configuration = Result { () throws(AWSError) in try Self.configuration(from: environment, region: region) }
        self.configuration = configuration
        let name = (try? configuration.get()).map { "STS at \($0.endpoint)" } ?? "STS"
        http = CredentialEndpoint(transport: transport, timeout: timeout, name: name, logger: logger)
        self.now = now
    }

    /// Reads the token file and exchanges the token for the role's credentials.
    package func fetchCredentials() async throws(AWSError) -> TemporaryCredentials {
        let configuration = try configuration.get()
        let token = try TextFile.token(at: configuration.tokenFile, namedBy: "AWS_WEB_IDENTITY_TOKEN_FILE")
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", configuration.roleARN),
            ("RoleSessionName", configuration.sessionName ?? "thumbworker-\(Int(now().timeIntervalSince1970))"),
            ("WebIdentityToken", token),
        ]
        .map { "\($0)=\(URIEncoding.encode($1, preservingSlashes: false))" }
        .joined(separator: "&")
        let response = try await http.send(
            "POST", configuration.endpoint + "/",
            headers: [HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(form.utf8)
        )
        guard response.isSuccess else { throw Self.serviceError(response, token: token) }
        guard let answer = XMLTree(parsing: response.body) else {
            throw AWSError(.invalidResponse, "\(http.name) answered with a body that is not XML", retryable: false)
        }
        return try Self.credentials(in: answer)
    }

    /// Reads `AssumeRoleWithWebIdentityResult/Credentials` from a success answer.
    private static func credentials(in answer: XMLTree) throws(AWSError) -> TemporaryCredentials {
        guard let result = answer.first("AssumeRoleWithWebIdentityResult")?.child("Credentials") else {
            throw AWSError(.invalidResponse, "the <\(answer.name)> answer has no <Credentials>", retryable: false)
        }
        let credentials = Credentials(
            accessKeyID: try result.requiredText("AccessKeyId"),
            secretAccessKey: try result.requiredText("SecretAccessKey"),
            sessionToken: try result.requiredText("SessionToken")
        )
        let expiration = try CredentialExpiration.parse(try result.requiredText("Expiration"), sentBy: "STS")
        return TemporaryCredentials(credentials: credentials, expiration: expiration)
    }

    /// STS's error answer as an error, its message scrubbed of the token in case STS quotes it; STS asks for
    /// `IDPCommunicationError` to be retried (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html).
    private static func serviceError(_ response: AWSHTTPResponse, token: String) -> AWSError {
        let error = AWSError(response: response, operation: "STS AssumeRoleWithWebIdentity")
        return error.rewording(
            error.message.replacingOccurrences(of: token, with: "<redacted>"),
            retryable: error.isRetryable || error.serviceCode == "IDPCommunicationError"
        )
    }

    private static func configuration(from environment: [String: String], region: String?) throws(AWSError)
        -> Configuration
    {
        guard let tokenFile = environment.environmentValue("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            throw AWSError(.credentialsUnavailable, "AWS_WEB_IDENTITY_TOKEN_FILE not set", retryable: false)
        }
        guard let roleARN = environment.environmentValue("AWS_ROLE_ARN") else {
            throw AWSError(
                .invalidConfiguration, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not", retryable: false)
        }
        // The endpoint configured for STS or the regional one, resolved as every service's is; without a region and
        // without a configured URL, STS's global endpoint.
        let resolved = try AWSEndpoint.resolve(.sts, region: region ?? "us-east-1", environment: environment)
        let endpoint = region == nil && !resolved.isCustom ? "https://sts.amazonaws.com" : resolved.url.absoluteString
        return Configuration(
            tokenFile: tokenFile,
            roleARN: roleARN,
            sessionName: environment.environmentValue("AWS_ROLE_SESSION_NAME"),
            endpoint: endpoint.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        )
    }
}
