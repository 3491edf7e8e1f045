package import Foundation

/// How far this machine's clock is from AWS's, learned from the `Date` of an answer that refused a signature as
/// too old or too new, so that later signatures carry the server's time (the AWS SDKs' clock-skew correction).
///
/// Shared by every copy of an `AWSClient`; starts at zero.
package final class ClockCorrection: @unchecked Sendable {
    /// Differences under this are never corrected: AWS accepts signatures up to 15 minutes off, and a refusal from
    /// a clock this close has another cause.
    package static let threshold: TimeInterval = 4 * 60
    private let lock = NSLock()
    private var offset: TimeInterval = 0

    /// No correction yet.
    package init() {}

    /// Seconds added to the local clock when signing.
    package var seconds: TimeInterval { lock.withLock { offset } }

    /// `date` (the local clock's reading) moved by the correction learned so far.
    package func corrected(_ date: Date) -> Date {
        date.addingTimeInterval(seconds)
    }

    /// Learns from a refused `response` to a request signed at `signedAt`: when it is a 4xx whose `Date` is more
    /// than `threshold` away from `signedAt`, the correction moves by the difference and the new one is returned;
    /// otherwise nil (the refusal is not the clock's).
    package func learn(from response: AWSHTTPResponse, signedAt: Date) -> TimeInterval? {
        guard (400..<500).contains(response.status), let text = response.header("Date"),
            let serverDate = HTTPDate.parse(text)
        else { return nil }
        let difference = serverDate.timeIntervalSince(signedAt)
        guard abs(difference) > Self.threshold else { return nil }
        return lock.withLock {
            offset += difference
            return offset
        }
    }
}
