import AsyncHTTPClient
import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import SigV4

/// The production transport: one shared `HTTPClient` whose connection pool every AWS client reuses.
///
/// Create one per process, hand it to every `AWSClient`, and call `shutdown()` once they are done.
package final class HTTPClientTransport: AWSTransport {
    /// Connection and pool settings.
    package struct Configuration: Sendable {
        /// How long opening a connection (TCP and TLS) may take.
        package var connectTimeout: Duration
        /// How long a response may pause between bytes; above SQS's 20-second long poll.
        package var readTimeout: Duration
        /// How long an unused pooled connection is kept open.
        package var idleConnectionTimeout: Duration
        /// How many HTTP/1.1 connections to one host may be open at once.
        package var maxConnectionsPerHost: Int

        /// Makes settings; the defaults suit a worker talking to S3, SQS and SNS.
        package init(
            connectTimeout: Duration = .seconds(5),
            readTimeout: Duration = .seconds(40),
            idleConnectionTimeout: Duration = .seconds(30),
            maxConnectionsPerHost: Int = 16
        ) {
            self.connectTimeout = connectTimeout
            self.readTimeout = readTimeout
            self.idleConnectionTimeout = idleConnectionTimeout
            self.maxConnectionsPerHost = maxConnectionsPerHost
        }
    }

    private let client: HTTPClient

    /// Starts a client with its own connection pool on the shared event loop group.
    package init(configuration: Configuration = Configuration()) {
        var settings = HTTPClient.Configuration(
            // A redirect would need a new signature; S3 region redirects are errors here.
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(configuration.connectTimeout), read: .init(configuration.readTimeout)),
            connectionPool: .init(
                idleTimeout: .init(configuration.idleConnectionTimeout),
                concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnectionsPerHost
            )
        )
        settings.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    /// Closes every pooled connection; call once, after the last request.
    package func shutdown() async throws(AWSError) {
        do {
            try await client.shutdown()
        } catch {
            throw AWSError(.connection, "the HTTP client did not shut down cleanly", retryable: false, cause: error)
        }
    }

    /// Sends the request and reads the body into memory, aborting once it passes the byte cap.
    package func send(_ request: AWSHTTPRequest, logger: Logger) async throws(AWSError) -> AWSHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = .init(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if !["GET", "HEAD"].contains(request.method) {
            outgoing.body = .bytes(request.body)
        }
        do {
            let response = try await client.execute(outgoing, timeout: .init(request.timeout), logger: logger)
            let status = Int(response.status.code)
            let limit = (200..<300).contains(status) ? request.maxResponseBytes : AWSHTTPRequest.maxErrorBodyBytes
            let headers = response.headers.map { HTTPHeader(name: $0.name, value: $0.value) }
            // A HEAD answer's Content-Length is the size of the body a GET would have, not of this one.
            let announced =
                request.method == "HEAD" ? nil : response.headers.first(name: "content-length").flatMap { Int($0) }
            if let announced, announced > limit {
                throw Self.tooLarge(limit: limit)
            }
            var body: [UInt8] = []
            body.reserveCapacity(announced ?? 0)  // one allocation for a multi-megabyte original
            for try await chunk in response.body {
                guard body.count + chunk.readableBytes <= limit else {
                    throw Self.tooLarge(limit: limit)  // leaving the loop drops the stream, which closes the connection
                }
                body.append(contentsOf: chunk.readableBytesView)
            }
            return AWSHTTPResponse(status: status, headers: headers, body: body)
        } catch let error as AWSError {
            throw error
        } catch let error as HTTPClientError {
            throw Self.mapped(error)
        } catch is CancellationError {
            throw AWSError(.cancelled, "the request was cancelled", retryable: false)
        } catch {
            throw Self.connectionFailed(error)
        }
    }

    /// A failed connection in the system's words for an `IOError` (`Connection refused (errno 111)`: NIO's own text
    /// nests parentheses that do not pair), else in the error's.
    private static func connectionFailed(_ error: any Error) -> AWSError {
        let reason = (error as? IOError).map { "\(String(cString: strerror($0.errnoCode))) (errno \($0.errnoCode))" }
        return AWSError(.connection, "the connection failed: \(reason ?? "\(error)")", retryable: true, cause: error)
    }

    private static func tooLarge(limit: Int) -> AWSError {
        AWSError(
            .responseTooLarge,
            "the response body is larger than the \(limit)-byte limit, so the download was aborted",
            retryable: false
        )
    }

    private static func mapped(_ error: HTTPClientError) -> AWSError {
        if timeouts.contains(error) {
            AWSError(.timeout, "the request timed out (\(error))", retryable: true, cause: error)
        } else if error == .cancelled {
            AWSError(.cancelled, "the request was cancelled", retryable: false, cause: error)
        } else if misconfigurations.contains(error) {
            AWSError(.invalidConfiguration, "the request could not be sent: \(error)", retryable: false, cause: error)
        } else {
            connectionFailed(error)
        }
    }

    private static let timeouts: [HTTPClientError] = [
        .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
        .getConnectionFromPoolTimeout,
    ]

    private static let misconfigurations: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown]
}
