package import Logging
import SigV4

/// Sends data to WebSocket clients through the API Gateway Management API of one stage
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html).
///
/// The endpoint includes the stage: `https://API_ID.execute-api.REGION.amazonaws.com/STAGE`
/// (ministack: `http://HOST:PORT/_aws/execute-api/API_ID/STAGE`).
package struct APIGatewayManagementClient: Sendable {
    /// Signs, sends and retries.
    package let client: AWSClient
    /// The stage's management endpoint and the region requests are signed for.
    package let endpoint: AWSEndpoint

    /// Makes a client for one stage's endpoint.
    package init(client: AWSClient, endpoint: AWSEndpoint) {
        self.client = client
        self.endpoint = endpoint
    }

    /// Sends `data` to one connected client; a connection that is gone fails with `AWSError.Code.gone`.
    package func postToConnection(connectionID: String, data: [UInt8], logger: Logger) async throws(AWSError) {
        let request = AWSHTTPRequest(
            method: "POST",
            url: endpoint.url(path: "/@connections/\(URIEncoding.encode(connectionID, preservingSlashes: false))"),
            body: data
        )
        _ = try await client.send(
            request, to: endpoint, operation: "ApiGatewayManagementApi.PostToConnection", logger: logger)
    }
}
