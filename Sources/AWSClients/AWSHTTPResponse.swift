package import SigV4

/// One HTTP response from an AWS service, body read in full.
package struct AWSHTTPResponse: Sendable {
    /// The HTTP status code.
    package var status: Int
    /// The response headers, in order.
    package var headers: [HTTPHeader]
    /// The whole body.
    package var body: [UInt8]

    /// Makes a response from its parts.
    package init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    package var isSuccess: Bool { (200..<300).contains(status) }

    /// The request id AWS gave the call (`x-amzn-RequestId`, or S3's `x-amz-request-id`).
    package var requestID: String? { header("x-amzn-requestid") ?? header("x-amz-request-id") }

    /// The first value of the header `name`, compared without case.
    package func header(_ name: String) -> String? {
        let lowercased = name.lowercased()
        return headers.first { $0.name.lowercased() == lowercased }?.value
    }
}
