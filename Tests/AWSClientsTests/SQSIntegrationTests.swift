import AWSClients
import Foundation
import TestSupport
import Testing

/// SQS against ministack with signature checking on.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct SQSIntegrationTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    /// Receives what is there, waiting a second at most.
    static func receive(_ sqs: SQSClient, _ queueURL: String, visibility: Int = 30) async throws -> [SQS.Message] {
        try await sqs.receiveMessages(
            SQS.ReceiveMessageRequest(queueURL: queueURL, waitTimeSeconds: 1, visibilityTimeoutSeconds: visibility),
            logger: logger
        )
    }

    /// A new queue holding one message with `body`, and that message as first received.
    static func queueWithReceivedMessage(_ sqs: SQSClient, body: String) async throws -> (
        queueURL: String, message: SQS.Message
    ) {
        let queueURL = try await sqs.createQueue(name: Emulator.uniqueName("queue"), logger: logger)
        _ = try await sqs.sendMessage(SQS.SendMessageRequest(queueURL: queueURL, body: body), logger: logger)
        return (queueURL, try #require(try await receive(sqs, queueURL).first))
    }

    @Test("SendMessage then ReceiveMessage carries the body, message attributes and system attributes")
    func sendAndReceive() async throws {
        try await Emulator.withClients { aws in
            let name = Emulator.uniqueName("jobs")
            let queueURL = try await aws.sqs.createQueue(name: name, logger: Self.logger)
            #expect(try await aws.sqs.queueURL(name: name, logger: Self.logger) == queueURL)
            let attributes: [String: MessageAttributeValue] = [
                "kind": .string("thumbnail"), "width": .number(320), "digest": .binary([0, 1, 2, 254, 255]),
            ]
            let body = #"{"Records":[{"s3":{"object":{"key":"in/a+b%20c.jpg"}}}]} ünïcode"#
            let sent = try await aws.sqs.sendMessage(
                SQS.SendMessageRequest(queueURL: queueURL, body: body, messageAttributes: attributes),
                logger: Self.logger
            )
            let message = try #require(try await Self.receive(aws.sqs, queueURL).first)
            #expect(message.messageID == sent.messageID)
            #expect(message.body == body)
            #expect(message.md5OfBody == sent.md5OfBody)
            #expect(message.messageAttributes == attributes)
            #expect(message.approximateReceiveCount == 1)
            #expect(message.sentTimestamp != nil)
        }
    }

    @Test(
        "visibility: a message made visible again comes back with a higher receive count; batch changes report per entry"
    )
    func visibility() async throws {
        try await Emulator.withClients { aws in
            let (queueURL, first) = try await Self.queueWithReceivedMessage(aws.sqs, body: "one")
            #expect(try await Self.receive(aws.sqs, queueURL).isEmpty, "a received message is hidden")
            try await aws.sqs.changeMessageVisibility(
                queueURL: queueURL,
                receiptHandle: first.receiptHandle,
                visibilityTimeoutSeconds: 0,
                logger: Self.logger
            )
            let second = try #require(try await Self.receive(aws.sqs, queueURL).first)
            #expect(second.messageID == first.messageID)
            #expect(second.approximateReceiveCount == 2)

            let result = try await aws.sqs.changeMessageVisibilities(
                queueURL: queueURL,
                entries: [
                    SQS.VisibilityEntry(
                        id: "current", receiptHandle: second.receiptHandle, visibilityTimeoutSeconds: 120),
                    SQS.VisibilityEntry(
                        id: "bogus", receiptHandle: "not-a-receipt-handle", visibilityTimeoutSeconds: 120),
                ],
                logger: Self.logger
            )
            #expect(result.successful == ["current"])
            #expect(result.failed.map(\.id) == ["bogus"])
            #expect(result.failed.first?.senderFault == true)
        }
    }

    @Test("ChangeMessageVisibility with a stale receipt handle is refused")
    func staleReceiptHandle() async throws {
        try await Emulator.withClients { aws in
            let (queueURL, message) = try await Self.queueWithReceivedMessage(aws.sqs, body: "x")
            let deleted = try await aws.sqs.deleteMessages(
                queueURL: queueURL,
                entries: [SQS.DeleteEntry(id: "0", receiptHandle: message.receiptHandle)],
                logger: Self.logger
            )
            #expect(deleted.successful == ["0"])
            let error = await #expect(throws: AWSError.self) {
                try await aws.sqs.changeMessageVisibility(
                    queueURL: queueURL,
                    receiptHandle: message.receiptHandle,
                    visibilityTimeoutSeconds: 30,
                    logger: Self.logger
                )
            }
            #expect(error?.code == .service)
            #expect(error?.serviceCode == "ReceiptHandleIsInvalid")
            #expect(error?.statusCode == 400)
            #expect(error?.isRetryable == false)
        }
    }

    @Test("DeleteMessageBatch deletes the good entries and reports the bad one")
    func deleteBatch() async throws {
        try await Emulator.withClients { aws in
            let queueURL = try await aws.sqs.createQueue(name: Emulator.uniqueName("del"), logger: Self.logger)
            for body in ["a", "b"] {
                _ = try await aws.sqs.sendMessage(
                    SQS.SendMessageRequest(queueURL: queueURL, body: body), logger: Self.logger)
            }
            var received: [SQS.Message] = []
            for _ in 0..<5 where received.count < 2 {
                received += try await Self.receive(aws.sqs, queueURL)
            }
            #expect(received.count == 2)
            let entries = received.enumerated().map {
                SQS.DeleteEntry(id: "m\($0.offset)", receiptHandle: $0.element.receiptHandle)
            }
            let result = try await aws.sqs.deleteMessages(
                queueURL: queueURL,
                entries: entries + [SQS.DeleteEntry(id: "bad", receiptHandle: "garbage")],
                logger: Self.logger
            )
            #expect(Set(result.successful) == Set(entries.map(\.id)))
            #expect(result.failed.map(\.id) == ["bad"])
            #expect(result.failed.first?.code == "ReceiptHandleIsInvalid")
            let attributes = try await aws.sqs.queueAttributes(queueURL: queueURL, logger: Self.logger)
            #expect(attributes["ApproximateNumberOfMessages"] == "0")
            #expect(attributes["ApproximateNumberOfMessagesNotVisible"] == "0")
        }
    }

    @Test("SetQueueAttributes and GetQueueAttributes round-trip a redrive policy")
    func queueAttributes() async throws {
        try await Emulator.withClients { aws in
            let deadLetters = try await aws.sqs.createQueue(name: Emulator.uniqueName("dlq"), logger: Self.logger)
            let deadLetterARN = try #require(
                try await aws.sqs.queueAttributes(queueURL: deadLetters, names: ["QueueArn"], logger: Self.logger)[
                    "QueueArn"]
            )
            let queueURL = try await aws.sqs.createQueue(
                name: Emulator.uniqueName("main"),
                attributes: ["VisibilityTimeout": "45"],
                logger: Self.logger
            )
            let redrive = #"{"deadLetterTargetArn":"\#(deadLetterARN)","maxReceiveCount":"3"}"#
            try await aws.sqs.setQueueAttributes(
                queueURL: queueURL, attributes: ["RedrivePolicy": redrive], logger: Self.logger)
            let attributes = try await aws.sqs.queueAttributes(queueURL: queueURL, logger: Self.logger)
            #expect(attributes["VisibilityTimeout"] == "45")
            let policy = try #require(attributes["RedrivePolicy"])
            #expect(policy.contains(deadLetterARN))
        }
    }

    @Test("a missing queue is a typed, final error with SQS's query-protocol code")
    func missingQueue() async throws {
        try await Emulator.withClients { aws in
            let missing = try #require(Emulator.url).appending(path: "000000000000/\(Emulator.uniqueName("none"))")
                .absoluteString
            let error = await #expect(throws: AWSError.self) {
                try await aws.sqs.queueAttributes(queueURL: missing, logger: Self.logger)
            }
            #expect(error?.serviceCode == "AWS.SimpleQueueService.NonExistentQueue")
            #expect(error?.statusCode == 400)
            #expect(error?.requestID != nil)
            #expect(error?.isRetryable == false)
        }
    }
}
