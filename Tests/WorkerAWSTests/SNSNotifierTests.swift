import AWSClients
import Foundation
import Logging
import SigV4
import TestSupport
import Testing
import WorkerAWS
import WorkerCore

/// The SNS notifier against ministack: what a subscribed queue receives, and the errors a caller sees.
@Suite(.enabled(if: Emulator.isAvailable, Emulator.skipReason))
struct SNSNotifierTests {
    /// The tests' logger.
    static let logger = Emulator.logger

    /// The envelopes of the first `count` messages to arrive in the queue, polling a few times at most.
    static func envelopes(_ aws: EmulatorClients, queueURL: String, count: Int) async throws -> [SNSEnvelope] {
        var bodies: [String] = []
        for _ in 0..<10 where bodies.count < count {
            let messages = try await aws.sqs.receiveMessages(
                SQS.ReceiveMessageRequest(queueURL: queueURL, waitTimeSeconds: 1), logger: logger)
            bodies += messages.map(\.body)
        }
        try #require(bodies.count == count)
        return try bodies.map(SNSEnvelope.init(body:))
    }

    @Test("a ready and a failed event reach a subscribed queue as their JSON, with filterable attributes")
    func publishesEventsWithAttributes() async throws {
        try await Emulator.withClients { aws in
            let topicARN = try await aws.sns.createTopic(name: Emulator.uniqueName("thumbnails"), logger: Self.logger)
            let queueURL = try await aws.makeSubscribedQueue(topicARN: topicARN)
            let notifier = SNSNotifier(topicARN: topicARN, client: aws.sns, logger: Self.logger)
            #expect(notifier.name == "sns")

            try await notifier.notify(.sampleReady)
            try await notifier.notify(.sampleFailed)

            let envelopes = try await Self.envelopes(aws, queueURL: queueURL, count: 2)
            let sent = [ThumbnailEvent.sampleReady, .sampleFailed]
            for event in sent {
                let envelope = try #require(
                    envelopes.first { $0.MessageAttributes?["event_type"]?.Value == event.type })
                #expect(envelope.TopicArn == topicARN)
                #expect(Array(envelope.Message.utf8) == event.jsonBytes())
                let decoded = try ThumbnailEvent.decode(json: Array(envelope.Message.utf8))
                #expect(decoded.jsonBytes() == event.jsonBytes())
                #expect(decoded.type == event.type)
                #expect(decoded.source == event.source)
                #expect(decoded.renditions == event.renditions)
                #expect(decoded.error == event.error)
                #expect(
                    envelope.MessageAttributes == [
                        "event_type": .init(Type: "String", Value: event.type),
                        "source_bucket": .init(Type: "String", Value: "originals"),
                    ]
                )
            }
        }
    }

    @Test("a topic that does not exist is a permanent notificationRejected without the credentials in it")
    func missingTopicIsPermanent() async throws {
        let key = try await Emulator.testCredentials.value
        try await Emulator.withClients { aws in
            let topicARN = "arn:aws:sns:us-east-1:000000000000:\(Emulator.uniqueName("none"))"
            let notifier = SNSNotifier(topicARN: topicARN, client: aws.sns, logger: Self.logger)
            let error = try await #require(throws: WorkerError.self) { try await notifier.notify(.sampleReady) }
            #expect(error.code == .notificationRejected)
            #expect(!error.isRetryable)
            #expect(error.message.contains(topicARN))
            #expect((error.cause as? AWSError)?.serviceCode == "NotFound")
            #expect(error.explanation.contains("NotFound"))
            #expect(!error.explanation.contains(key.secretAccessKey))
            #expect(!error.explanation.contains(key.accessKeyID))
        }
    }
}

/// How the SNS notifier classifies a publish that never got an answer: no emulator needed.
@Suite struct SNSNotifierTransportFailureTests {
    /// A transport whose every request fails with `error`.
    struct FailingTransport: AWSTransport {
        /// What every request fails with.
        let error: AWSError

        /// Fails.
        func send(_ request: AWSHTTPRequest, logger: Logger) async throws(AWSError) -> AWSHTTPResponse {
            throw error
        }
    }

    @Test(
        "a dropped connection or a cancelled publish is a retryable notificationFailed",
        arguments: [
            AWSError(.connection, "connection refused", retryable: true),
            AWSError(.cancelled, "the request was cancelled", retryable: false),
        ]
    )
    func unansweredIsRetryable(failure: AWSError) async throws {
        let client = AWSClient(
            transport: FailingTransport(error: failure),
            credentialProvider: StaticCredentialProvider(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            retryPolicy: RetryPolicy(maxAttempts: 1)
        )
        let endpoint = AWSEndpoint(
            service: .sns, region: "us-east-1", url: try #require(URL(string: "http://127.0.0.1:4566")), isCustom: true)
        let notifier = SNSNotifier(
            topicARN: "arn:aws:sns:us-east-1:000000000000:thumbnails",
            client: SNSClient(client: client, endpoint: endpoint),
            logger: .quiet
        )
        let error = try await #require(throws: WorkerError.self) { try await notifier.notify(.sampleFailed) }
        #expect(error.code == .notificationFailed)
        #expect(error.isRetryable)
        // The transport's failure is the cause, not text pasted into the message, and the one-line explanation
        // a failed notification carries still says it.
        #expect((error.cause as? AWSError)?.message == failure.message)
        #expect(error.explanation.contains(failure.message))
        #expect(!error.explanation.contains("wJalrXUtnFEMI"))
    }
}
