import Logging
import ServiceLifecycle
import TestSupport
import Testing
import WorkerCore

/// A service that records when it stops, after graceful shutdown.
private struct RecordingUser: Service {
    let events: Locked<[String]>

    func run() async throws {
        try? await gracefulShutdown()
        events.withLock { $0.append("user stopped") }
    }
}

@Suite("Long-lived resources as services")
struct ResourceServiceTests {
    @Test("a resource closes on graceful shutdown, after the services listed after it have stopped")
    func closesAfterItsUsers() async throws {
        let events = Locked<[String]>([])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: ResourceService("pool") { events.withLock { $0.append("pool closed") } }),
                    .init(service: RecordingUser(events: events)),
                ],
                logger: .quiet))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(events.withLock { $0 } == ["user stopped", "pool closed"])
    }

    @Test("a resource closes when its group is cancelled")
    func closesOnCancellation() async throws {
        let events = Locked<[String]>([])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: ResourceService("client") { events.withLock { $0.append("client closed") } })
                ],
                logger: .quiet))
        let running = Task { try await group.run() }
        running.cancel()
        _ = try? await running.value
        #expect(events.withLock { $0 } == ["client closed"])
    }
}
