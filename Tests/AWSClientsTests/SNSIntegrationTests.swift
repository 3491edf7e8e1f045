import AWSClients
import Foundation
import TestSupport
import Testing

/// SNS against ministack with signature checking on.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct SNSIntegrationTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    /// The first message to arrive in the queue, waiting a few seconds at most.
    static func firstDelivery(_ aws: EmulatorClients, queueURL: String) async throws -> SQS.Message {
        var delivered: [SQS.Message] = []
        for _ in 0..<5 where delivered.isEmpty {
            delivered = try await aws.sqs.receiveMessages(
                SQS.ReceiveMessageRequest(queueURL: queueURL, waitTimeSeconds: 1),
                logger: logger
            )
        }
        return try #require(delivered.first)
    }

    @Test("Publish reaches a subscribed queue in an envelope with its subject and message attributes")
    func publishToQueue() async throws {
        try await Emulator.withClients { aws in
            let topicARN = try await aws.sns.createTopic(name: Emulator.uniqueName("done"), logger: Self.logger)
            let queueURL = try await aws.makeSubscribedQueue(topicARN: topicARN)
            let message = #"{"status":"done","key":"out/a b+ü.webp"}"#
            let messageID = try await aws.sns.publish(
                SNS.PublishRequest(
                    topicARN: topicARN,
                    message: message,
                    subject: "thumbnail ready",
                    messageAttributes: ["status": .string("done"), "renditions": .number(3)]
                ),
                logger: Self.logger
            )
            let notification = try await Self.firstDelivery(aws, queueURL: queueURL)
            let envelope = try SNSEnvelope(body: notification.body)
            #expect(envelope.Type == "Notification")
            #expect(envelope.MessageId == messageID)
            #expect(envelope.TopicArn == topicARN)
            #expect(envelope.Subject == "thumbnail ready")
            #expect(envelope.Message == message)
            #expect(
                envelope.MessageAttributes == [
                    "status": .init(Type: "String", Value: "done"), "renditions": .init(Type: "Number", Value: "3"),
                ]
            )
        }
    }

    @Test("a subscription with RawMessageDelivery gets the bare message, attributes as SQS message attributes")
    func rawDelivery() async throws {
        try await Emulator.withClients { aws in
            let topicARN = try await aws.sns.createTopic(name: Emulator.uniqueName("raw"), logger: Self.logger)
            let queueURL = try await aws.makeSubscribedQueue(
                topicARN: topicARN, subscriptionAttributes: ["RawMessageDelivery": "true"])
            _ = try await aws.sns.publish(
                SNS.PublishRequest(
                    topicARN: topicARN, message: "bare", messageAttributes: ["status": .string("failed")]),
                logger: Self.logger
            )
            let delivered = try await Self.firstDelivery(aws, queueURL: queueURL)
            #expect(delivered.body == "bare")
            #expect(delivered.messageAttributes == ["status": .string("failed")])
        }
    }

    @Test("publishing to a missing topic is a typed, final NotFound")
    func missingTopic() async throws {
        try await Emulator.withClients { aws in
            let error = await #expect(throws: AWSError.self) {
                try await aws.sns.publish(
                    SNS.PublishRequest(
                        topicARN: "arn:aws:sns:us-east-1:000000000000:\(Emulator.uniqueName("none"))",
                        message: "m"
                    ),
                    logger: Self.logger
                )
            }
            #expect(error?.serviceCode == "NotFound")
            #expect(error?.statusCode == 404)
            #expect(error?.requestID != nil)
            #expect(error?.isRetryable == false)
        }
    }
}
