import AWSClients
import Foundation
import Logging
import TestSupport

/// Clients over an in-memory transport with fixed keys, a fixed clock and waits that only record themselves.
struct UnitTestClients {
    /// The scripted transport.
    let transport: InMemoryTransport
    /// The waits the retry policy asked for, in order.
    let sleeps: Locked<[Duration]>
    /// The core client.
    let client: AWSClient

    /// The signing instant, 2015-08-30T12:36:00Z, advanced a second per attempt.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)

    /// Clients whose transport answers with `script`; the retry policy allows `maxAttempts` and draws `random`.
    init(_ script: [Result<AWSHTTPResponse, AWSError>], maxAttempts: Int = 3, random: Double = 1) {
        let transport = InMemoryTransport(script)
        let sleeps = Locked<[Duration]>([])
        let attempts = Locked(0)
        self.transport = transport
        self.sleeps = sleeps
        self.client = AWSClient(
            transport: transport,
            credentialProvider: StaticCredentialProvider(
                accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
            ),
            retryPolicy: RetryPolicy(
                maxAttempts: maxAttempts,
                baseDelay: .milliseconds(100),
                maxDelay: .seconds(1),
                random: { random },
                sleep: { delay in sleeps.withLock { $0.append(delay) } }
            ),
            now: {
                attempts.withLock { count in
                    defer { count += 1 }
                    return Self.date.addingTimeInterval(TimeInterval(count))
                }
            }
        )
    }

    /// An endpoint for `service` at a custom URL, as an emulator would have.
    static func endpoint(_ service: AWSService, _ url: String = "http://127.0.0.1:4566") -> AWSEndpoint {
        AWSEndpoint(service: service, region: "us-east-1", url: URL(string: url)!, isCustom: true)
    }
}
