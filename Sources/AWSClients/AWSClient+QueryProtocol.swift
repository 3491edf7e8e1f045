package import Logging
import SigV4

extension AWSClient {
    /// Calls an action of a query protocol service (SNS, IAM): POST the form `Action=…&Version=…&…`, parse the XML answer.
    package func callQuery(
        action: String,
        version: String,
        parameters: [(name: String, value: String)],
        endpoint: AWSEndpoint,
        logger: Logger
    ) async throws(AWSError) -> XMLTree {
        let form = ([(name: "Action", value: action), (name: "Version", value: version)] + parameters)
            .map {
                "\(URIEncoding.encode($0.name, preservingSlashes: false))=\(URIEncoding.encode($0.value, preservingSlashes: false))"
            }
            .joined(separator: "&")
        let request = AWSHTTPRequest(
            method: "POST",
            url: endpoint.url(path: "/"),
            headers: [HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(form.utf8)
        )
        let operation = "\(endpoint.service.signingName).\(action)"
        let response = try await send(request, to: endpoint, operation: operation, logger: logger)
        guard let tree = XMLTree(parsing: response.body) else {
            throw AWSError(
                .invalidResponse,
                "\(operation): the answer is not XML",
                statusCode: response.status,
                requestID: response.requestID,
                retryable: false
            )
        }
        return tree
    }
}
