/// Request shapes of the SNS operations this module calls, in SNS's query protocol.
package enum SNS {
    /// What Publish sends.
    package struct PublishRequest: Sendable {
        /// The topic's ARN.
        package var topicARN: String
        /// The message, up to 256 KiB of text.
        package var message: String
        /// The subject e-mail subscribers see.
        package var subject: String?
        /// Typed attributes, which subscription filter policies can match.
        package var messageAttributes: [String: MessageAttributeValue]
        /// FIFO topics only: messages of one group are delivered in order.
        package var messageGroupID: String?
        /// FIFO topics only: a message with the id of one published in the last five minutes is dropped.
        package var messageDeduplicationID: String?

        /// Makes a request.
        package init(
            topicARN: String,
            message: String,
            subject: String? = nil,
            messageAttributes: [String: MessageAttributeValue] = [:],
            messageGroupID: String? = nil,
            messageDeduplicationID: String? = nil
        ) {
            self.topicARN = topicARN
            self.message = message
            self.subject = subject
            self.messageAttributes = messageAttributes
            self.messageGroupID = messageGroupID
            self.messageDeduplicationID = messageDeduplicationID
        }

        /// The form fields after `Action` and `Version`.
        var parameters: [(name: String, value: String)] {
            [(name: "TopicArn", value: topicARN), (name: "Message", value: message)]
                + (subject.map { [(name: "Subject", value: $0)] } ?? [])
                + (messageGroupID.map { [(name: "MessageGroupId", value: $0)] } ?? [])
                + (messageDeduplicationID.map { [(name: "MessageDeduplicationId", value: $0)] } ?? [])
                + MessageAttributeValue.queryParameters(messageAttributes, prefix: "MessageAttributes")
        }
    }
}
