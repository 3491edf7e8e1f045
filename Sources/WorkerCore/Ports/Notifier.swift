/// Tells the world that thumbnails are ready, or that an upload could not be made into thumbnails.
package protocol Notifier: Sendable {
    /// A short name for logs and metrics, e.g. `webhook`.
    var name: String { get }
    /// Delivers one event; throws a retryable `WorkerError` when the receiver is unreachable.
    func notify(_ event: ThumbnailEvent) async throws(WorkerError)
}
