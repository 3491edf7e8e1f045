import AWSClients
import Foundation
import TestSupport
import Testing

/// GETs `path` from a worker's metrics endpoint on 127.0.0.1:`port`: the status and the body.
func localGET(_ path: String, port: Int) async throws -> (status: Int, body: String) {
    let transport = HTTPClientTransport()
    let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
    let response: Result<AWSHTTPResponse, AWSError>
    do {
        response = .success(try await transport.send(AWSHTTPRequest(method: "GET", url: url), logger: .quiet))
    } catch {
        response = .failure(error)
    }
    try await transport.shutdown()
    let answer = try response.get()
    return (answer.status, String(decoding: answer.body, as: UTF8.self))
}
