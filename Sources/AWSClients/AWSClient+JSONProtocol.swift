import Foundation
package import Logging
import SigV4

extension AWSClient {
    /// Calls an operation of a JSON 1.0 protocol service (SQS, DynamoDB): POST `input` as JSON with
    /// `X-Amz-Target: target`, decode the answer as `Output`.
    package func callJSON<Output: Decodable>(
        target: String,
        input: some Encodable,
        endpoint: AWSEndpoint,
        timeout: Duration = .seconds(30),
        logger: Logger
    ) async throws(AWSError) -> Output {
        let body: Data
        do {
            body = try Self.jsonEncoder.encode(input)
        } catch {
            throw AWSError(
                .invalidConfiguration,
                "\(target): the request could not be encoded: \(error)",
                retryable: false,
                cause: error
            )
        }
        let request = AWSHTTPRequest(
            method: "POST",
            url: endpoint.url(path: "/"),
            headers: [
                HTTPHeader(name: "Content-Type", value: "application/x-amz-json-1.0"),
                HTTPHeader(name: "X-Amz-Target", value: target),
            ],
            body: Array(body),
            timeout: timeout
        )
        let response = try await send(request, to: endpoint, operation: target, logger: logger)
        do {
            return try Self.jsonDecoder.decode(
                Output.self, from: response.body.isEmpty ? Data("{}".utf8) : Data(response.body))
        } catch {
            throw AWSError(
                .invalidResponse,
                "\(target): the answer is not the JSON expected: \(error)",
                statusCode: response.status,
                requestID: response.requestID,
                retryable: false,
                cause: error
            )
        }
    }

    /// One encoder for every JSON-protocol request (SQS and DynamoDB calls happen several times per job).
    private static let jsonEncoder = JSONEncoder()
    /// One decoder for every JSON-protocol answer.
    private static let jsonDecoder = JSONDecoder()
}

/// The answer of an operation that returns nothing of interest.
package struct EmptyAnswer: Decodable, Sendable {
}
