import Foundation
import Logging
import SigV4
import TestSupport
import Testing

@testable import AWSClients

/// Secrets the credential tests hand out; no message, description or log may ever contain one.
enum TestSecrets {
    /// A secret access key.
    static let secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    /// A session token.
    static let sessionToken = "FwoGZXIvYXdzEXAMPLE//sessionTOKEN+value"
    /// A container `Authorization` token.
    static let authorizationToken = "container-authorization-TOKEN-example"
    /// A web identity (service account) token.
    static let webIdentityToken = "eyJhbGciOiJSUzI1NiJ9.web-identity-TOKEN.example"
    /// An instance metadata session token.
    static let metadataToken = "AQAEAImds-session-TOKEN-example=="
    /// All of them.
    static let all = [secretAccessKey, sessionToken, authorizationToken, webIdentityToken, metadataToken]

    /// Expects that none of `texts` contains any secret.
    static func expectAbsent(from texts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            for secret in all {
                #expect(
                    !text.contains(secret), "a secret leaked into: \(text.prefix(200))", sourceLocation: sourceLocation)
            }
        }
    }

    /// Every text Swift can make of `value`: description, debug description and `dump`.
    static func renderings(of value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped]
    }

    /// The texts of an error: its description and message.
    static func renderings(of error: AWSError) -> [String] {
        [error.description, error.message, String(reflecting: error)]
    }
}

/// The JSON body a container endpoint or instance metadata returns.
func credentialDocument(accessKeyID: String, expiration: String, code: String? = nil) -> String {
    let codeField = code.map { #""Code": "\#($0)", "# } ?? ""
    return """
        {\(codeField)"AccessKeyId": "\(accessKeyID)", "SecretAccessKey": "\(TestSecrets.secretAccessKey)", \
        "Token": "\(TestSecrets.sessionToken)", "Expiration": "\(expiration)"}
        """
}

/// A clock a test sets by hand; it can open a latch once it has been read a given number of times.
final class ManualClock: Sendable {
    private let state: Locked<(now: Date, reads: Int)>
    private let latch: (reads: Int, latch: OneShotLatch)?

    /// Starts at `now`; opens `latch.latch` on the `latch.reads`-th read.
    init(_ now: Date, opening latch: (reads: Int, latch: OneShotLatch)? = nil) {
        state = Locked((now, 0))
        self.latch = latch
    }

    /// The clock as the code under test calls it.
    var now: @Sendable () -> Date {
        { [self] in
            let (now, reads) = state.withLock { state in
                state.reads += 1
                return (state.now, state.reads)
            }
            if let latch, reads == latch.reads { latch.latch.open() }
            return now
        }
    }

    /// Moves the clock on.
    func advance(by seconds: TimeInterval) {
        state.withLock { $0.now += seconds }
    }
}

/// Lets tasks wait until something has happened; once open, it stays open.
final class OneShotLatch: Sendable {
    private let state = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Opens the latch and wakes every waiter.
    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the latch is open.
    func wait() async {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if isOpen { continuation.resume() }
        }
    }
}

/// A provider with a fixed answer that counts its calls, for chain tests.
final class CountingProvider: CredentialProvider {
    private let answer: Result<Credentials, AWSError>
    private let count = Locked(0)

    /// Answers with `answer` every time.
    init(_ answer: Result<Credentials, AWSError>) {
        self.answer = answer
    }

    /// How often `credentials()` was called.
    var calls: Int { count.value }

    /// Counts the call and answers.
    func credentials() async throws(AWSError) -> Credentials {
        count.withLock { $0 += 1 }
        return try answer.get()
    }
}

/// Runs `body` with a real HTTP transport and shuts it down afterwards.
func withTransport<Result: Sendable>(_ body: (HTTPClientTransport) async throws -> Result) async throws -> Result {
    let transport = HTTPClientTransport()
    let result: Swift.Result<Result, any Error>
    do {
        result = .success(try await body(transport))
    } catch {
        result = .failure(error)
    }
    try await transport.shutdown()
    return try result.get()
}

/// Writes `text` to `name` in `directory` and returns the file's path.
@discardableResult
func write(_ text: String, to name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// The access key id `provider` answers with.
func accessKeyID(from provider: some CredentialProvider) async throws -> String {
    try await provider.credentials().accessKeyID
}
