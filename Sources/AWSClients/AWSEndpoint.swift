package import Foundation

/// Where one service's requests go and the region they are signed for.
///
/// `resolve` reads what the AWS SDKs read (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html):
/// the configured value first, then `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the service's
/// public endpoint; the region from configuration, then `AWS_REGION`, then `AWS_DEFAULT_REGION`.
package struct AWSEndpoint: Sendable {
    /// The service the endpoint belongs to.
    package let service: AWSService
    /// The region requests are signed for, such as `eu-west-1`.
    package let region: String
    /// The base URL, without a trailing slash; it may carry a path prefix (an API Gateway stage).
    package let url: URL
    /// Whether the URL came from configuration or the environment rather than AWS's public endpoint.
    package let isCustom: Bool

    /// Uses the given parts as they are.
    package init(service: AWSService, region: String, url: URL, isCustom: Bool) {
        self.service = service
        self.region = region
        self.url = url
        self.isCustom = isCustom
    }

    /// Resolves the endpoint from configuration (`region`, `url`) and the environment.
    package static func resolve(
        _ service: AWSService,
        region configuredRegion: String? = nil,
        url configuredURL: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AWSError) -> AWSEndpoint {
        let value = environment.environmentValue
        guard let region = configuredRegion ?? value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") else {
            throw AWSError(
                .invalidConfiguration,
                "no AWS region for \(service.signingName): set the region in the configuration, or AWS_REGION",
                retryable: false
            )
        }
        let ignoresEnvironment = value("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() == "true"
        let environmentURL =
            ignoresEnvironment ? nil : value("AWS_ENDPOINT_URL_\(service.environmentID)") ?? value("AWS_ENDPOINT_URL")
        if let configuredURL {
            return AWSEndpoint(
                service: service, region: region, url: try validated(configuredURL, service), isCustom: true)
        }
        if let environmentURL {
            guard let url = URL(string: environmentURL) else {
                throw invalidURL(environmentURL, service)
            }
            return AWSEndpoint(service: service, region: region, url: try validated(url, service), isCustom: true)
        }
        guard let prefix = service.endpointPrefix else {
            throw AWSError(
                .invalidConfiguration,
                "\(service.signingName) has no default endpoint: configure its URL or set AWS_ENDPOINT_URL_\(service.environmentID)",
                retryable: false
            )
        }
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        guard let url = URL(string: "https://\(prefix).\(region).\(domain)") else {
            throw invalidURL("https://\(prefix).\(region).\(domain)", service)
        }
        return AWSEndpoint(service: service, region: region, url: url, isCustom: false)
    }

    /// The endpoint URL with `encodedPath` (percent-encoded, starting with `/`) and an optional encoded query appended.
    package func url(path encodedPath: String, query: String? = nil) -> URL {
        let base = url.absoluteString
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        let text = trimmed + encodedPath + (query.map { "?" + $0 } ?? "")
        guard let joined = URL(string: text) else {
            preconditionFailure("a valid base URL and a percent-encoded path always make a valid URL")
        }
        return joined
    }

    private static func validated(_ url: URL, _ service: AWSService) throws(AWSError) -> URL {
        guard ["http", "https"].contains(url.scheme?.lowercased()), url.host(percentEncoded: false)?.isEmpty == false,
            url.query == nil
        else {
            throw invalidURL(url.absoluteString, service)
        }
        return url
    }

    private static func invalidURL(_ text: String, _ service: AWSService) -> AWSError {
        AWSError(
            .invalidConfiguration,
            "'\(text)' is not a usable \(service.signingName) endpoint: give an http or https URL with a host and no query",
            retryable: false
        )
    }
}
