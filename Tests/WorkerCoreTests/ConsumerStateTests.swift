import Testing

@testable import WorkerCore

/// A message with an id and nothing else, for the state machine.
private func message(_ id: String) -> QueueMessage {
    QueueMessage(id: id, body: "{}", receiptHandle: "handle-\(id)", receiveCount: 1, sentAt: nil)
}

@Suite("The consumer's state machine")
struct ConsumerStateTests {
    @Test("receives up to the free slots, handles what comes, and receives again as each message frees its slot")
    func slots() {
        var state = ConsumerState(maxInFlight: 3, batchSize: 10, stopsWhenIdle: false)
        #expect(state.start() == [.receive(capacity: 3, pause: nil)])
        #expect(
            state.received([message("a"), message("b"), message("c")]) == [
                .handle([message("a"), message("b"), message("c")])
            ])
        #expect(state.inFlight == 3 && !state.receiving, "all slots taken: no receive")
        #expect(state.handled() == [.receive(capacity: 1, pause: nil)])
        #expect(state.handled() == [], "a receive is already under way")
        #expect(state.received([]) == [.receive(capacity: 2, pause: nil)], "an empty long poll is followed by another")
    }

    @Test("a batch size below the free slots bounds each receive")
    func batchSize() {
        var state = ConsumerState(maxInFlight: 20, batchSize: 10, stopsWhenIdle: false)
        #expect(state.start() == [.receive(capacity: 10, pause: nil)])
    }

    @Test("failed receives back off 2, 4, 8, 16, then 30 s, and a successful one resets the pause")
    func backoff() {
        var state = ConsumerState(maxInFlight: 1, batchSize: 10, stopsWhenIdle: false)
        _ = state.start()
        let pauses = (0..<6).map { _ in state.receiveFailed() }
        #expect(pauses == [2, 4, 8, 16, 30, 30].map { [.receive(capacity: 1, pause: .seconds($0))] })
        #expect(state.received([]) == [.receive(capacity: 1, pause: nil)])
    }

    @Test(
        "shutdown with work in flight drains: no receive, a drain timer, the jobs cancelled at the timeout, then the end"
    )
    func drain() {
        var state = ConsumerState(maxInFlight: 2, batchSize: 10, stopsWhenIdle: false)
        _ = state.start()
        _ = state.received([message("a"), message("b")])
        #expect(state.shutdownRequested() == [.startDrainTimer(inFlight: 2)])
        #expect(state.shutdownRequested() == [], "asking twice changes nothing")
        #expect(state.handled() == [], "no receive while draining")
        #expect(state.drainTimeoutReached() == [.cancelJobs(inFlight: 1)])
        #expect(state.handled() == [.finish])
        #expect(state.phase == .finished && state.drainTimeoutReached() == [])
    }

    @Test("a receive that does not come back by the drain timeout is cancelled with the jobs")
    func stuckReceive() {
        var state = ConsumerState(maxInFlight: 2, batchSize: 10, stopsWhenIdle: false)
        _ = state.start()
        _ = state.shutdownRequested()
        #expect(state.drainTimeoutReached() == [.cancelJobs(inFlight: 0)])
        #expect(state.receiveFailed() == [.finish])
    }

    @Test("a long poll that ends after shutdown began hands its messages straight back, then the consumer ends")
    func pollDuringShutdown() {
        var state = ConsumerState(maxInFlight: 2, batchSize: 10, stopsWhenIdle: false)
        _ = state.start()
        #expect(state.shutdownRequested() == [.startDrainTimer(inFlight: 0)], "the poll under way is let finish")
        #expect(state.phase == .draining && state.receiving)
        #expect(state.received([message("late")]) == [.release([message("late")]), .finish])
    }

    @Test("stopping when idle: an empty receive waits for the jobs in flight, then the hidden count decides")
    func idle() {
        var state = ConsumerState(maxInFlight: 2, batchSize: 10, stopsWhenIdle: true, maxIdleWait: .seconds(60))
        _ = state.start()
        _ = state.received([message("a")])
        #expect(state.received([]) == [], "a job is in flight: wait for it before asking again")
        #expect(state.handled() == [.receive(capacity: 2, pause: nil)])
        #expect(state.received([]) == [.checkHidden])
        #expect(state.hiddenCounted(HiddenMessages(count: 0), at: .now) == [.reportIdle, .finish])
        #expect(state.phase == .finished)
    }

    @Test("hidden messages keep an idle consumer receiving until they come back, or until the idle wait runs out")
    func hiddenMessages() {
        let start = ContinuousClock.now
        let hidden = HiddenMessages(count: 3)
        var state = ConsumerState(maxInFlight: 2, batchSize: 10, stopsWhenIdle: true, maxIdleWait: .seconds(60))
        _ = state.start()
        #expect(state.received([]) == [.checkHidden])
        #expect(state.hiddenCounted(hidden, at: start) == [.receive(capacity: 2, pause: nil)])
        #expect(state.received([]) == [.checkHidden])
        #expect(
            state.hiddenCounted(nil, at: start + .seconds(30)) == [.receive(capacity: 2, pause: nil)], "count failed")
        // The hidden messages came back: the idle wait starts again after them.
        _ = state.received([message("back")])
        _ = state.handled()
        #expect(state.received([]) == [.checkHidden])
        #expect(state.hiddenCounted(hidden, at: start + .seconds(100)) == [.receive(capacity: 2, pause: nil)])
        #expect(state.received([]) == [.checkHidden])
        #expect(state.hiddenCounted(hidden, at: start + .seconds(160)) == [.giveUp(hidden), .finish])
    }

    @Test("shutdown with nothing in flight ends as soon as the receive under way comes back, even failed")
    func endAfterPoll() {
        var state = ConsumerState(maxInFlight: 1, batchSize: 10, stopsWhenIdle: false)
        _ = state.start()
        #expect(state.shutdownRequested() == [.startDrainTimer(inFlight: 0)])
        #expect(state.receiveFailed() == [.finish])
        #expect(state.failedReceives == 0, "a receive failing while stopping is not counted")
    }
}
