import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Short GETs: a worker's `/ready` for `health`, the children's `/metrics` for the supervisor, `serve`'s JWKS.
enum LocalHTTP {
    /// The status and body of one GET of `url`, the body at most 16 MB.
    static func get(_ url: String, client: HTTPClient, timeout: TimeAmount) async throws -> (status: UInt, text: String)
    {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: timeout)
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 16 << 20)))
    }
}
