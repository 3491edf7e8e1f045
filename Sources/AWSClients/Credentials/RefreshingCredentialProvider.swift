package import Foundation
package import Logging
package import SigV4

/// Caches a `TemporaryCredentialProvider`'s credentials and fetches new ones shortly before they expire.
///
/// Callers that arrive while a fetch is under way wait for that same fetch: one refresh, however many callers.
/// If a refresh fails while the cached credentials are still valid, those are returned and the failure is logged.
package actor RefreshingCredentialProvider: CredentialProvider {
    /// How long before expiry credentials are refreshed by default.
    package static let defaultRefreshMargin: Duration = .seconds(5 * 60)

    private let source: any TemporaryCredentialProvider
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var cached: TemporaryCredentials?
    private var refresh: Task<Result<TemporaryCredentials, AWSError>, Never>?

    /// Wraps `source`; `now` is the clock that decides when credentials are due for refresh.
    package init(
        _ source: some TemporaryCredentialProvider, refreshMargin: Duration = defaultRefreshMargin,
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.source = source
        let (seconds, attoseconds) = refreshMargin.components
        self.refreshMargin = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
        self.now = now
        self.logger = logger
    }

    /// The cached credentials while they have more than the margin left; otherwise the result of one shared refresh.
    package func credentials() async throws(AWSError) -> Credentials {
        let time = now()  // read once per call, before any wait
        if let cached, time < cached.expiration.addingTimeInterval(-refreshMargin) {
            return cached.credentials
        }
        let task = refresh ?? startRefresh()
        let result = await task.value
        if refresh == task {
            refresh = nil
            if case .success(let fresh) = result { cached = fresh }
        }
        switch result {
        case .success(let fresh):
            return fresh.credentials
        case .failure(let error):
            guard let cached, now() < cached.expiration else { throw error }
            logger.warning(
                "AWS credentials refresh failed; using the cached ones until they expire",
                metadata: ["aws.credentials.expiration": "\(cached.expiration)", "aws.error": "\(error)"]
            )
            return cached.credentials
        }
    }

    private func startRefresh() -> Task<Result<TemporaryCredentials, AWSError>, Never> {
        let source = source
        let logger = logger
        let task = Task { () -> Result<TemporaryCredentials, AWSError> in
            logger.debug("refreshing AWS credentials", metadata: ["aws.credentials.provider": "\(type(of: source))"])
            do throws(AWSError) {
                return .success(try await source.fetchCredentials())
            } catch {
                return .failure(error)
            }
        }
        refresh = task
        return task
    }
}
