package import Foundation
import SigV4

/// Whether a bucket is named in the host (`BUCKET.s3.REGION.amazonaws.com/KEY`) or in the path (`HOST/BUCKET/KEY`)
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
package enum S3AddressingStyle: Sendable {
    /// Virtual-hosted on AWS's endpoints, path-style on custom ones (emulators, MinIO).
    case automatic
    /// Virtual-hosted wherever the bucket name and the host allow it.
    case virtualHosted
    /// Always path-style.
    case path

    /// Whether a request for `bucket` at `endpoint` names the bucket in the path.
    ///
    /// IP addresses and `localhost` cannot carry a bucket label, and a bucket that is not a DNS label (or has
    /// dots, which break the TLS wildcard certificate) cannot either: those are path-style whatever the style.
    package func usesPathStyle(bucket: String, endpoint: AWSEndpoint) -> Bool {
        let host = endpoint.url.host(percentEncoded: false)?.lowercased() ?? ""
        if self == .path || Self.isIPAddressOrLocalhost(host)
            || !Self.isVirtualHostable(bucket, scheme: endpoint.url.scheme)
        {
            return true
        }
        return self == .automatic && endpoint.isCustom
    }

    /// The URL of `key` in `bucket`: the key percent-encoded with its slashes kept.
    package func objectURL(bucket: String, key: String, endpoint: AWSEndpoint) -> URL {
        url(bucket: bucket, encodedPath: "/" + URIEncoding.encode(key, preservingSlashes: true), endpoint: endpoint)
    }

    /// The URL of `bucket` itself with an already percent-encoded `query`, for bucket operations such as ListObjectsV2.
    package func bucketURL(bucket: String, query: String, endpoint: AWSEndpoint) -> URL {
        url(bucket: bucket, encodedPath: "", query: query, endpoint: endpoint)
    }

    /// `encodedPath` (empty, or starting with `/`) inside `bucket`, named in the path or in the host.
    private func url(bucket: String, encodedPath: String, query: String? = nil, endpoint: AWSEndpoint) -> URL {
        if usesPathStyle(bucket: bucket, endpoint: endpoint) {
            return endpoint.url(
                path: "/\(URIEncoding.encode(bucket, preservingSlashes: false))\(encodedPath)", query: query)
        }
        let path = encodedPath.isEmpty ? "/" : encodedPath
        guard
            var components = URLComponents(url: endpoint.url(path: path, query: query), resolvingAgainstBaseURL: false),
            let host = components.host
        else {
            preconditionFailure("an endpoint URL always has a host")
        }
        components.host = "\(bucket).\(host)"
        guard let url = components.url else {
            preconditionFailure("a DNS-label bucket in front of a valid host always makes a valid URL")
        }
        return url
    }

    private static func isIPAddressOrLocalhost(_ host: String) -> Bool {
        // A ':' appears only in IPv6 addresses.
        if host == "localhost" || host.hasSuffix(".localhost") || host.contains(":") { return true }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count == 4 && labels.allSatisfy { UInt8($0) != nil }
    }

    /// S3's bucket naming rules for virtual hosting: 3–63 lower-case letters, digits, `-` and `.`, starting and
    /// ending with a letter or digit, and no dot at all over https.
    private static func isVirtualHostable(_ bucket: String, scheme: String?) -> Bool {
        let bytes = Array(bucket.utf8)
        func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last,
            isLowerAlphanumeric(first), isLowerAlphanumeric(last),
            bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else {
            return false
        }
        return !(bucket.contains(".") && scheme?.lowercased() == "https")
    }
}
