import AWSClients
import Foundation
import SigV4
import Testing

extension EmulatorClients {
    /// A new queue that lets `topicARN` deliver to it (the queue policy ministack, like AWS, needs under AUTH),
    /// subscribed with `subscriptionAttributes`; returns the queue's URL.
    ///
    /// `queueAttributes` are set when the queue is created (e.g. a `RedrivePolicy`).
    package func makeSubscribedQueue(
        topicARN: String,
        name: String = Emulator.uniqueName("subscriber"),
        queueAttributes: [String: String] = [:],
        subscriptionAttributes: [String: String] = [:]
    ) async throws -> String {
        let queueURL = try await sqs.createQueue(name: name, attributes: queueAttributes, logger: Emulator.logger)
        let queueARN = try await queueARN(queueURL)
        let policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},\
            "Action":"sqs:SendMessage","Resource":"\(queueARN)","Condition":{"ArnEquals":{"aws:SourceArn":"\(topicARN)"}}}]}
            """
        try await sqs.setQueueAttributes(queueURL: queueURL, attributes: ["Policy": policy], logger: Emulator.logger)
        let subscription = try await sns.subscribe(
            topicARN: topicARN,
            protocol: "sqs",
            endpoint: queueARN,
            attributes: subscriptionAttributes,
            logger: Emulator.logger
        )
        #expect(subscription.hasPrefix(topicARN))
        return queueURL
    }

    /// The ARN of the queue at `queueURL`.
    package func queueARN(_ queueURL: String) async throws -> String {
        try #require(
            try await sqs.queueAttributes(queueURL: queueURL, names: ["QueueArn"], logger: Emulator.logger)["QueueArn"])
    }

    /// Sends every `s3:ObjectCreated:*` event of `bucket` (and with `removals`, every `s3:ObjectRemoved:*` one) to
    /// `topicARN` (S3 PutBucketNotificationConfiguration).
    ///
    /// S3 (and ministack) then sends an `s3:TestEvent` message to the topic.
    /// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
    package func notifyObjectEvents(bucket: String, topicARN: String, removals: Bool = false) async throws {
        let events = ["s3:ObjectCreated:*"] + (removals ? ["s3:ObjectRemoved:*"] : [])
        let body = """
            <NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
            <TopicConfiguration><Id>object-events</Id><Topic>\(topicARN)</Topic>\
            \(events.map { "<Event>\($0)</Event>" }.joined())</TopicConfiguration></NotificationConfiguration>
            """
        _ = try await client.send(
            AWSHTTPRequest(
                method: "PUT",
                url: s3.endpoint.url(path: "/\(bucket)", query: "notification"),
                headers: [HTTPHeader(name: "Content-Type", value: "application/xml")],
                body: Array(body.utf8)
            ),
            to: s3.endpoint,
            operation: "S3.PutBucketNotificationConfiguration",
            logger: Emulator.logger
        )
    }
}
