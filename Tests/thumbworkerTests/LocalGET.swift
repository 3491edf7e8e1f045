import AWSClients
import Foundation
import SigV4
import TestSupport
import Testing

/// GETs `path` from a worker's metrics endpoint on 127.0.0.1:`port`: the status and the body.
func localGET(_ path: String, port: Int) async throws -> (status: Int, body: String) {
    let answer = try await localRequest("GET", path, port: port)
    return (answer.status, String(decoding: answer.body, as: UTF8.self))
}

/// Sends one request to a server of this host on 127.0.0.1:`port` and hands back its whole answer.
func localRequest(
    _ method: String, _ path: String, port: Int, headers: [HTTPHeader] = [], body: [UInt8] = []
) async throws -> AWSHTTPResponse {
    let transport = HTTPClientTransport()
    let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
    let response: Result<AWSHTTPResponse, AWSError>
    do {
        response = .success(
            try await transport.send(
                AWSHTTPRequest(method: method, url: url, headers: headers, body: body), logger: .quiet))
    } catch {
        response = .failure(error)
    }
    try await transport.shutdown()
    return try response.get()
}

/// The first answer to `GET path` of a server on 127.0.0.1:`port` that is starting: asks every 100 ms, for 10 s at most.
func firstAnswer(_ path: String, port: Int) async throws -> AWSHTTPResponse {
    for _ in 0..<100 {
        if let answer = try? await localRequest("GET", path, port: port) { return answer }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await localRequest("GET", path, port: port)
}

/// A JSON object answer's members.
func jsonObject(_ body: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
}
