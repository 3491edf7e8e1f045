import Foundation

/// The parts of a request's URL that SigV4 signs, exactly as they go on the wire (percent-encoded).
struct RequestTarget {
    /// The `Host` header value: the host, with the port unless it is the scheme's default.
    let host: String
    /// The path as sent, percent-encoded; empty for a URL such as `https://sqs.us-east-1.amazonaws.com`.
    let path: String
    /// The query as sent, percent-encoded, without the `?`; `nil` when there is none.
    let query: String?

    /// Takes the parts of an absolute URL; a URL without a host cannot be signed.
    init(url: URL) throws(SigV4Error) {
        guard var host = url.host(percentEncoded: false), !host.isEmpty else {
            throw .urlWithoutHost(url)
        }
        if host.contains(":") {
            host = "[\(host)]"  // an IPv6 literal keeps its brackets in the Host header
        }
        if let port = url.port, port != Self.defaultPort(scheme: url.scheme) {
            host += ":\(port)"
        }
        self.init(host: host, path: url.path(percentEncoded: true), query: url.query(percentEncoded: true))
    }

    /// Takes the parts as they are, for requests that do not come as a `URL` (the AWS test suite's raw paths).
    init(host: String, path: String, query: String?) {
        self.host = host
        self.path = path
        self.query = query
    }

    private static func defaultPort(scheme: String?) -> Int? {
        switch scheme?.lowercased() {
        case "https": 443
        case "http": 80
        default: nil
        }
    }
}
