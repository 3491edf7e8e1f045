import AWSClients
import Logging
import SigV4
import Synchronization

/// A transport that answers from a script and records every request, for unit tests without a network.
final class InMemoryTransport: AWSTransport {
    private struct State {
        var script: [Result<AWSHTTPResponse, AWSError>]
        var requests: [AWSHTTPRequest] = []
    }

    private let state: Mutex<State>

    /// Answers the requests with `script`, in order; the last answer repeats once the script runs out.
    init(_ script: [Result<AWSHTTPResponse, AWSError>]) {
        precondition(!script.isEmpty, "a transport needs at least one answer")
        state = Mutex(State(script: script))
    }

    /// Answers every request with `response`.
    convenience init(answering response: AWSHTTPResponse) {
        self.init([.success(response)])
    }

    /// The requests sent so far, signed, in order.
    var requests: [AWSHTTPRequest] {
        state.withLock { $0.requests }
    }

    /// Records the request and answers with the next scripted result.
    func send(_ request: AWSHTTPRequest, logger: Logger) async throws(AWSError) -> AWSHTTPResponse {
        let answer = state.withLock { state in
            state.requests.append(request)
            return state.script.count > 1 ? state.script.removeFirst() : state.script[0]
        }
        return try answer.get()
    }
}

extension AWSHTTPResponse {
    /// A response with a UTF-8 text body.
    init(status: Int, headers: [(String, String)] = [], text: String) {
        self.init(status: status, headers: headers.map { HTTPHeader(name: $0.0, value: $0.1) }, body: Array(text.utf8))
    }
}

extension AWSHTTPRequest {
    /// The value of the first header called `name`, compared without case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}
