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

        /// Makes a request.
        package init(
            topicARN: String,
            message: String,
            subject: String? = nil,
            messageAttributes: [String: MessageAttributeValue] = [:]
        ) {
            self.topicARN = topicARN
            self.message = message
            self.subject = subject
            self.messageAttributes = messageAttributes
        }

        /// The form fields after `Action` and `Version`.
        var parameters: [(name: String, value: String)] {
            [(name: "TopicArn", value: topicARN), (name: "Message", value: message)]
                + (subject.map { [(name: "Subject", value: $0)] } ?? [])
                + MessageAttributeValue.queryParameters(messageAttributes, prefix: "MessageAttributes")
        }
    }
}
