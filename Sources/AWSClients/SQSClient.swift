package import Logging

/// The SQS operations the worker and its tests need, over SQS's JSON protocol
/// (`X-Amz-Target: AmazonSQS.<Operation>`, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/).
package struct SQSClient: Sendable {
    /// Signs, sends and retries.
    package let client: AWSClient
    /// Where SQS is and the region requests are signed for.
    package let endpoint: AWSEndpoint

    /// Makes a client for the SQS endpoint.
    package init(client: AWSClient, endpoint: AWSEndpoint) {
        self.client = client
        self.endpoint = endpoint
    }

    /// Receives up to `maxNumberOfMessages` messages, waiting up to `waitTimeSeconds` for the first; empty when none came.
    package func receiveMessages(_ request: SQS.ReceiveMessageRequest, logger: Logger) async throws(AWSError) -> [SQS
        .Message]
    {
        struct Answer: Decodable {
            let messages: [SQS.Message]?
            enum CodingKeys: String, CodingKey { case messages = "Messages" }
        }
        let answer: Answer = try await call(
            "ReceiveMessage",
            request,
            timeout: .seconds(request.waitTimeSeconds) + Self.longPollMargin,
            logger: logger
        )
        return answer.messages ?? []
    }

    /// Deletes up to 10 messages; entries that failed (a stale receipt handle, say) are listed in the result.
    package func deleteMessages(queueURL: String, entries: [SQS.DeleteEntry], logger: Logger) async throws(AWSError)
        -> SQS.BatchResult
    {
        try await call("DeleteMessageBatch", Batch(queueURL: queueURL, entries: entries), logger: logger)
    }

    /// Hides one message for `visibilityTimeoutSeconds` more from now; 0 makes it visible at once.
    package func changeMessageVisibility(
        queueURL: String,
        receiptHandle: String,
        visibilityTimeoutSeconds: Int,
        logger: Logger
    ) async throws(AWSError) {
        struct Input: Encodable {
            let QueueUrl: String
            let ReceiptHandle: String
            let VisibilityTimeout: Int
        }
        let input = Input(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeoutSeconds)
        let _: EmptyAnswer = try await call("ChangeMessageVisibility", input, logger: logger)
    }

    /// Changes the visibility of up to 10 messages; entries that failed are listed in the result.
    package func changeMessageVisibilities(
        queueURL: String,
        entries: [SQS.VisibilityEntry],
        logger: Logger
    ) async throws(AWSError) -> SQS.BatchResult {
        try await call("ChangeMessageVisibilityBatch", Batch(queueURL: queueURL, entries: entries), logger: logger)
    }

    /// Sends one message.
    package func sendMessage(_ request: SQS.SendMessageRequest, logger: Logger) async throws(AWSError)
        -> SQS.SentMessage
    {
        try await call("SendMessage", request, logger: logger)
    }

    /// The queue's attributes (`ApproximateNumberOfMessages`, `QueueArn`, `RedrivePolicy`, …); `names` defaults to all.
    package func queueAttributes(queueURL: String, names: [String] = ["All"], logger: Logger) async throws(AWSError)
        -> [String:
        String]
    {
        struct Input: Encodable {
            let QueueUrl: String
            let AttributeNames: [String]
        }
        struct Answer: Decodable {
            let Attributes: [String: String]?
        }
        let answer: Answer = try await call(
            "GetQueueAttributes",
            Input(QueueUrl: queueURL, AttributeNames: names),
            logger: logger
        )
        return answer.Attributes ?? [:]
    }

    /// Creates a queue (or finds the one with the same name and attributes) and returns its URL.
    package func createQueue(name: String, attributes: [String: String] = [:], logger: Logger) async throws(AWSError)
        -> String
    {
        struct Input: Encodable {
            let QueueName: String
            let Attributes: [String: String]
        }
        let answer: QueueURLAnswer = try await call(
            "CreateQueue", Input(QueueName: name, Attributes: attributes), logger: logger)
        return answer.QueueUrl
    }

    /// Sets queue attributes (`Policy`, `RedrivePolicy`, `VisibilityTimeout`, …).
    package func setQueueAttributes(queueURL: String, attributes: [String: String], logger: Logger)
        async throws(AWSError)
    {
        struct Input: Encodable {
            let QueueUrl: String
            let Attributes: [String: String]
        }
        let _: EmptyAnswer = try await call(
            "SetQueueAttributes",
            Input(QueueUrl: queueURL, Attributes: attributes),
            logger: logger
        )
    }

    /// The URL of the queue called `name`.
    package func queueURL(name: String, logger: Logger) async throws(AWSError) -> String {
        struct Input: Encodable {
            let QueueName: String
        }
        let answer: QueueURLAnswer = try await call("GetQueueUrl", Input(QueueName: name), logger: logger)
        return answer.QueueUrl
    }

    /// The answer of CreateQueue and GetQueueUrl.
    private struct QueueURLAnswer: Decodable {
        let QueueUrl: String
    }

    /// The input of the batch operations.
    private struct Batch<Entry: Encodable>: Encodable {
        let queueURL: String
        let entries: [Entry]
        enum CodingKeys: String, CodingKey {
            case queueURL = "QueueUrl"
            case entries = "Entries"
        }
    }

    /// A long poll's timeout is its wait plus this, so a slow answer after a full wait is not cut off.
    private static let longPollMargin = Duration.seconds(15)

    private func call<Output: Decodable>(
        _ operation: String,
        _ input: some Encodable,
        timeout: Duration = .seconds(30),
        logger: Logger
    ) async throws(AWSError) -> Output {
        try await client.callJSON(
            target: "AmazonSQS.\(operation)",
            input: input,
            endpoint: endpoint,
            timeout: timeout,
            logger: logger
        )
    }
}
