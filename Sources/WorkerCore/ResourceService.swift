import ServiceLifecycle

/// A long-lived resource (a connection pool, the imaging threads) as a service of the one `ServiceGroup`: it stays open
/// while the group runs and is closed when the group shuts it down — which, since a group shuts its services down in
/// reverse order, is after every service listed after it (the consumer, the metrics endpoint) has stopped.
package struct ResourceService: Service, CustomStringConvertible {
    /// The resource's name in the group's logs.
    package let description: String
    private let close: @Sendable () async -> Void

    /// A service named `name` that runs `close` on graceful shutdown or cancellation.
    package init(_ name: String, close: @escaping @Sendable () async -> Void) {
        self.description = name
        self.close = close
    }

    /// Waits for graceful shutdown (or cancellation), then closes the resource.
    package func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
