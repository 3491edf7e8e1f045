package import Foundation

/// Deterministic faults for `FaultInjectingProxy`: rules chosen by AWS operation and object key, and by which attempt
/// of that operation on that key this is, so a run replays the same faults however its requests interleave.
package final class FaultPlan: Sendable {
    /// What the proxy does with a request a rule matches.
    package enum Action: Sendable {
        /// Answers itself, without asking the emulator.
        case answer(CannedResponse)
        /// Waits, then forwards.
        case delay(Duration)
        /// Forwards (the emulator carries the request out), then cuts the connection before or during the answer.
        case forwardThenCut(ConnectionCut)
    }

    /// One kind of fault.
    package struct Rule: Sendable {
        /// The kind, as the figures name it (`503 SlowDown on the first GET of each key`).
        package let kind: String
        /// The operation it applies to, e.g. `S3.GetObject`, `SQS.ReceiveMessage`, `SNS.Publish`.
        package let operation: String
        /// Only requests for keys containing this (S3 only); nil: every key.
        package let keyContaining: String?
        /// Which attempts of the operation on one key are faulted, counting from 1.
        package let attempts: @Sendable (Int) -> Bool
        /// What is done to them.
        package let action: Action

        /// A rule.
        package init(
            _ kind: String, operation: String, keyContaining: String? = nil,
            attempts: @escaping @Sendable (Int) -> Bool, action: Action
        ) {
            self.kind = kind
            self.operation = operation
            self.keyContaining = keyContaining
            self.attempts = attempts
            self.action = action
        }
    }

    private let rules: [Rule]
    private let state = Locked<(attempts: [String: Int], injected: [String: Int])>(([:], [:]))

    /// A plan of `rules`; the first matching rule decides.
    package init(_ rules: [Rule]) {
        self.rules = rules
    }

    /// The kinds of fault the plan holds, in its order.
    package var kinds: [String] { rules.map(\.kind) }

    /// How many faults of each kind were injected so far.
    package var injected: [String: Int] { state.value.injected }

    /// The fault for `request`, counting it; nil forwards it untouched.
    package func action(for request: RecordedRequest) -> Action? {
        let (operation, key) = Self.operation(of: request)
        return state.withLock { state in
            let counter = "\(operation) \(key ?? "")"
            let attempt = (state.attempts[counter] ?? 0) + 1
            state.attempts[counter] = attempt
            let rule = rules.first { rule in
                rule.operation == operation && rule.attempts(attempt)
                    && (rule.keyContaining.map { key?.contains($0) ?? false } ?? true)
            }
            guard let rule else { return nil }
            state.injected[rule.kind, default: 0] += 1
            return rule.action
        }
    }

    /// The AWS operation a request calls (`S3.GetObject`, `SQS.ReceiveMessage` from `X-Amz-Target`, `SNS.Publish`
    /// from the query body's `Action`) and, for S3, the object key.
    package static func operation(of request: RecordedRequest) -> (operation: String, key: String?) {
        if let target = request.header("X-Amz-Target"), let dot = target.lastIndex(of: ".") {
            let service = target.hasPrefix("AmazonSQS") ? "SQS" : String(target[..<dot])
            return ("\(service).\(target[target.index(after: dot)...])", nil)
        }
        if let action = request.body.split(separator: "&").first(where: { $0.hasPrefix("Action=") }) {
            return ("SNS.\(action.dropFirst("Action=".count))", nil)
        }
        let path = request.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true)
        let key = path.count == 2 ? String(path[1]).removingPercentEncoding : nil
        let verb =
            switch request.method {
            case "GET": key == nil ? "ListObjectsV2" : "GetObject"
            case "HEAD": "HeadObject"
            case "PUT": "PutObject"
            case "DELETE": "DeleteObject"
            default: request.method
            }
        return ("S3.\(verb)", key)
    }
}
