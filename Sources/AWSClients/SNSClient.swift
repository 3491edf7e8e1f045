package import Logging

/// The SNS operations the worker and its tests need, over the query protocol
/// (`Action=Publish&Version=2010-03-31`, https://docs.aws.amazon.com/sns/latest/api/).
package struct SNSClient: Sendable {
    /// Signs, sends and retries.
    package let client: AWSClient
    /// Where SNS is and the region requests are signed for.
    package let endpoint: AWSEndpoint

    /// Makes a client for the SNS endpoint.
    package init(client: AWSClient, endpoint: AWSEndpoint) {
        self.client = client
        self.endpoint = endpoint
    }

    /// Publishes one message and returns its id.
    package func publish(_ request: SNS.PublishRequest, logger: Logger) async throws(AWSError) -> String {
        try await call("Publish", request.parameters, logger: logger).requiredText("MessageId")
    }

    /// Creates a topic (or finds the one with that name) and returns its ARN.
    package func createTopic(name: String, logger: Logger) async throws(AWSError) -> String {
        try await call("CreateTopic", [(name: "Name", value: name)], logger: logger).requiredText("TopicArn")
    }

    /// Subscribes `endpoint` (an SQS queue ARN for `sqs`) to the topic and returns the subscription's ARN.
    package func subscribe(
        topicARN: String,
        protocol deliveryProtocol: String,
        endpoint subscriber: String,
        attributes: [String: String] = [:],
        logger: Logger
    ) async throws(AWSError) -> String {
        let attributeFields = attributes.sorted { $0.key < $1.key }.enumerated().flatMap { index, attribute in
            [
                (name: "Attributes.entry.\(index + 1).key", value: attribute.key),
                (name: "Attributes.entry.\(index + 1).value", value: attribute.value),
            ]
        }
        let parameters = [
            (name: "TopicArn", value: topicARN),
            (name: "Protocol", value: deliveryProtocol),
            (name: "Endpoint", value: subscriber),
            (name: "ReturnSubscriptionArn", value: "true"),
        ]
        return try await call("Subscribe", parameters + attributeFields, logger: logger).requiredText("SubscriptionArn")
    }

    private func call(_ action: String, _ parameters: [(name: String, value: String)], logger: Logger)
        async throws(AWSError)
        -> XMLTree
    {
        try await client.callQuery(
            action: action,
            version: "2010-03-31",
            parameters: parameters,
            endpoint: endpoint,
            logger: logger
        )
    }
}
