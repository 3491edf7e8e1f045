import AWSClients
import Foundation
import TestSupport
import Testing

@Suite("AWS errors read well in logs")
struct AWSErrorDescriptionTests {
    @Test("the description names the code, the service's code, the status and the request id")
    func description() {
        let error = AWSError(
            .service, "the key does not exist", serviceCode: "NoSuchKey", statusCode: 404,
            requestID: "ABC123", retryable: false)
        #expect(error.description == "service NoSuchKey HTTP 404: the key does not exist [request id ABC123]")
        #expect(AWSError(.throttled, "slow down", retryable: true).description == "throttled: slow down")
    }
}

@Suite("A failed connection reads well")
struct ConnectionFailureTests {
    @Test("a refused connection is said in the system's words, its parentheses paired")
    func refusedConnection() async throws {
        let transport = HTTPClientTransport()
        let error = try await RefusingPort.with { port in
            let request = AWSHTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:\(port)/")!)
            return await #expect(throws: AWSError.self) { try await transport.send(request, logger: .quiet) }
        }
        try await transport.shutdown()
        #expect(error?.code == .connection)
        #expect(error?.isRetryable == true)
        #expect(error?.message == "the connection failed: Connection refused (errno 111)")
        let text = error?.description ?? ""
        #expect(text.filter { $0 == "(" }.count == text.filter { $0 == ")" }.count, "\(text)")
    }
}
