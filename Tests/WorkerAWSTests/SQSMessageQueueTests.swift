import AWSClients
import Foundation
import TestSupport
import Testing
import WorkerAWS
import WorkerCore

/// `SQSMessageQueue` against ministack with signature checking on; every test makes its own uniquely named queues.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason), .timeLimit(.minutes(1)))
struct SQSMessageQueueTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    /// A new queue with a unique name and `attributes`, and the port over it.
    static func makeQueue(_ aws: EmulatorClients, attributes: [String: String] = [:]) async throws -> SQSMessageQueue {
        let queueURL = try await aws.sqs.createQueue(
            name: Emulator.uniqueName("port"), attributes: attributes, logger: logger)
        return SQSMessageQueue(client: aws.sqs, queueURL: queueURL, logger: logger)
    }

    /// One receive of up to `maxMessages`, waiting a second at most, hidden for `hide`.
    static func receive(_ queue: SQSMessageQueue, _ maxMessages: Int = 10, hide: Duration = .seconds(30)) async throws
        -> [QueueMessage]
    {
        try await queue.receive(maxMessages: maxMessages, wait: .seconds(1), visibilityTimeout: hide)
    }

    /// A new queue holding one message with a unique body, received once and then again, so the first handle is stale.
    static func queueWithStaleHandle(_ aws: EmulatorClients) async throws
        -> (queue: SQSMessageQueue, stale: QueueMessage, current: QueueMessage)
    {
        let queue = try await makeQueue(aws)
        try await queue.send(body: UUID().uuidString)
        let stale = try #require(try await receive(queue).first)
        try await queue.changeVisibility(stale, timeout: .zero)
        let current = try #require(try await receive(queue).first)
        #expect(current.id == stale.id)
        #expect(current.receiptHandle != stale.receiptHandle)
        return (queue, stale, current)
    }

    /// Expects `operation` to fail with a final `queueUnusable` error that names `queueURL` and `words`.
    static func expectUnusable(_ queueURL: String, naming words: [String] = [], _ operation: () async throws -> Void)
        async
    {
        let error = await #expect(throws: WorkerError.self) { try await operation() }
        #expect(error?.code == .queueUnusable)
        #expect(error?.isRetryable == false)
        for text in [queueURL] + words {
            #expect(error?.message.contains(text) == true, "\(error?.message ?? "no error") names \(text)")
        }
    }

    @Test(
        "send, receive, release and receive again: the body comes back with receive counts 1 then 2",
        arguments: ["first", "second"])
    func roundTrip(run: String) async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            let body = #"{"run":"\#(run)","id":"\#(UUID().uuidString)"} ünïcode"#
            let before = Date()
            try await queue.send(body: body)

            let first = try await Self.receive(queue)
            #expect(first.map(\.body) == [body], "only this run's message, though the other run works in parallel")
            let message = try #require(first.first)
            #expect(message.receiveCount == 1)
            let sentAt = try #require(message.sentAt)
            #expect(abs(sentAt.timeIntervalSince(before)) < 60, "SentTimestamp is read as milliseconds since 1970")
            #expect(try await Self.receive(queue).isEmpty, "a received message is hidden")

            try await queue.changeVisibility(message, timeout: .zero)
            let again = try #require(try await Self.receive(queue).first)
            #expect(again.id == message.id)
            #expect(again.body == body)
            #expect(again.receiveCount == 2)
            #expect(again.sentAt == message.sentAt)
            #expect(try await queue.delete([again]).isEmpty)
            #expect(try await queue.approximateDepth() == 0)
        }
    }

    @Test("deleting 12 messages takes two batches and leaves the queue empty")
    func deleteInTwoBatches() async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            let bodies = Set((0..<12).map { "message \($0)" })
            for body in bodies { try await queue.send(body: body) }
            var received: [QueueMessage] = []
            for _ in 0..<5 where received.count < bodies.count {
                received += try await Self.receive(queue)
            }
            #expect(Set(received.map(\.body)) == bodies)

            #expect(try await queue.delete(received).isEmpty)
            let attributes = try await aws.sqs.queueAttributes(queueURL: queue.queueURL, logger: Self.logger)
            #expect(attributes["ApproximateNumberOfMessages"] == "0")
            #expect(attributes["ApproximateNumberOfMessagesNotVisible"] == "0", "deleted, not merely hidden")
            #expect(try await queue.delete([]).isEmpty)
        }
    }

    @Test(
        "releasing 12 messages takes two ChangeMessageVisibilityBatch calls; a bad handle is one failure, not an error")
    func releaseInTwoBatches() async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            for index in 0..<12 { try await queue.send(body: "message \(index)") }
            var received: [QueueMessage] = []
            for _ in 0..<5 where received.count < 12 {
                received += try await Self.receive(queue)
            }
            try #require(received.count == 12)
            var bad = received[0]
            bad.receiptHandle = "not-a-receipt-handle-\(UUID().uuidString)"
            let failures = try await queue.changeVisibility(received.map { ($0, Duration.zero) } + [(bad, .zero)])
            #expect(failures.map(\.messageID) == [bad.id])
            #expect(try await queue.approximateDepth() == 12, "every message is visible again")
        }
    }

    @Test("a receipt handle SQS never issued: receiptHandleInvalid on changeVisibility, a failure on delete")
    func unknownReceiptHandle() async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            try await queue.send(body: "x")
            var message = try #require(try await Self.receive(queue).first)
            message.receiptHandle = "not-a-receipt-handle-\(UUID().uuidString)"

            let error = await #expect(throws: WorkerError.self) {
                try await queue.changeVisibility(message, timeout: .seconds(60))
            }
            #expect(error?.code == .receiptHandleInvalid)
            #expect(error?.isRetryable == false)
            #expect(error?.message.contains(message.receiptHandle) == false, "handles are cut short")

            let failures = try await queue.delete([message])
            #expect(failures.map(\.messageID) == [message.id])
            #expect(failures.first?.reason.contains("ReceiptHandleIsInvalid") == true)
            #expect(failures.first?.reason.contains(message.receiptHandle) == false, "handles are cut short")
        }
    }

    // AWS does not promise this: a stale handle may still change the visibility, and DeleteMessage with one "will
    // still succeed, but the message might not be deleted". ministack refuses both, as the local queue does.
    @Test(
        "a stale receipt handle (the message was received again): ministack refuses it on changeVisibility and delete")
    func staleReceiptHandle() async throws {
        try await Emulator.withClients { aws in
            let (queue, stale, current) = try await Self.queueWithStaleHandle(aws)

            let error = await #expect(throws: WorkerError.self) {
                try await queue.changeVisibility(stale, timeout: .zero)
            }
            #expect(error?.code == .receiptHandleInvalid)
            #expect(error?.isRetryable == false)

            let failures = try await queue.delete([stale])
            #expect(failures.map(\.messageID) == [stale.id])
            #expect(failures.first?.reason.contains("stale") == true)

            #expect(try await queue.delete([current]).isEmpty, "the latest handle still works")
            let attributes = try await aws.sqs.queueAttributes(queueURL: queue.queueURL, logger: Self.logger)
            #expect(attributes["ApproximateNumberOfMessagesNotVisible"] == "0")
        }
    }

    @Test("redrive: received twice and never deleted, a message moves to the dead-letter queue")
    func redrive() async throws {
        try await Emulator.withClients { aws in
            let deadLetters = try await Self.makeQueue(aws)
            let deadLetterARN = try #require(
                try await aws.sqs.queueAttributes(
                    queueURL: deadLetters.queueURL, names: ["QueueArn"], logger: Self.logger)["QueueArn"]
            )
            let redrivePolicy = #"{"deadLetterTargetArn":"\#(deadLetterARN)","maxReceiveCount":"2"}"#
            let queue = try await Self.makeQueue(aws, attributes: ["RedrivePolicy": redrivePolicy])
            #expect(try await queue.maxReceiveCount() == 2, "read from the RedrivePolicy")
            #expect(try await deadLetters.maxReceiveCount() == nil, "no RedrivePolicy")
            let body = "poison \(UUID().uuidString)"
            try await queue.send(body: body)

            for expected in 1...2 {
                let message = try #require(try await Self.receive(queue, hide: .zero).first)
                #expect(message.receiveCount == expected)
            }
            #expect(
                try await Self.receive(queue).isEmpty, "the third receive moves the message instead of returning it")
            let deadLetter = try await Self.receive(deadLetters)
            #expect(deadLetter.map(\.body) == [body])
            #expect(try await queue.approximateDepth() == 0)
        }
    }

    @Test("approximateDepth counts the visible messages, not the ones in flight")
    func depth() async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            #expect(try await queue.approximateDepth() == 0)
            for body in ["a", "b", "c"] { try await queue.send(body: body) }
            #expect(try await queue.approximateDepth() == 3)
            #expect(try await Self.receive(queue, 1).count == 1)
            #expect(try await queue.approximateDepth() == 2)
        }
    }

    @Test("a queue URL naming no queue: every operation fails for good, naming the URL")
    func missingQueue() async throws {
        try await Emulator.withClients { aws in
            let queueURL = try #require(Emulator.url).appending(path: "000000000000/\(Emulator.uniqueName("none"))")
                .absoluteString
            let queue = SQSMessageQueue(client: aws.sqs, queueURL: queueURL, logger: Self.logger)
            let message = QueueMessage(id: "m", body: "", receiptHandle: "h", receiveCount: 1, sentAt: nil)
            let check = ["does not exist", "queue.url"]
            await Self.expectUnusable(queueURL, naming: check) { _ = try await Self.receive(queue) }
            await Self.expectUnusable(queueURL, naming: check) { try await queue.send(body: "x") }
            await Self.expectUnusable(queueURL, naming: check) { _ = try await queue.approximateDepth() }
            await Self.expectUnusable(queueURL, naming: check) {
                try await queue.changeVisibility(message, timeout: .zero)
            }
            await Self.expectUnusable(queueURL, naming: check) { _ = try await queue.delete([message]) }
        }
    }

    @Test("a queue policy denying sqs:ReceiveMessage: a final error naming the URL and the permissions to check")
    func accessDenied() async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            let queueARN = try #require(
                try await aws.sqs.queueAttributes(queueURL: queue.queueURL, names: ["QueueArn"], logger: Self.logger)[
                    "QueueArn"]
            )
            let policy = #"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:ReceiveMessage","Resource":"\#(queueARN)"}]}
                """#
            try await aws.sqs.setQueueAttributes(
                queueURL: queue.queueURL, attributes: ["Policy": policy], logger: Self.logger)
            await Self.expectUnusable(queue.queueURL, naming: ["AccessDenied", "IAM policy", "sqs:ReceiveMessage"]) {
                _ = try await Self.receive(queue)
            }
            try await queue.send(body: "still allowed")
            #expect(try await queue.approximateDepth() == 1)
        }
    }

    @Test("SQS enforces the request limits: 11 messages per receive is queueRequestInvalid")
    func requestLimits() async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            let error = await #expect(throws: WorkerError.self) {
                try await queue.receive(maxMessages: 11, wait: .zero, visibilityTimeout: .seconds(30))
            }
            #expect(error?.code == .queueRequestInvalid)
            #expect(error?.isRetryable == false)
            #expect(error?.message.contains("MaxNumberOfMessages") == true)
        }
    }

    @Test("cancelling a long poll (graceful shutdown) returns no messages instead of throwing")
    func cancelledReceive() async throws {
        try await Emulator.withClients { aws in
            let queue = try await Self.makeQueue(aws)
            let received = try await withThrowingTaskGroup(of: [QueueMessage].self) { group in
                group.addTask {
                    try await queue.receive(maxMessages: 10, wait: .seconds(20), visibilityTimeout: .seconds(30))
                }
                // Not an assertion: whether the poll is already open or not, cancelling it must return no messages.
                try await Task.sleep(for: .milliseconds(300))
                group.cancelAll()
                return try await group.next()
            }
            #expect(received == [])
        }
    }
}
