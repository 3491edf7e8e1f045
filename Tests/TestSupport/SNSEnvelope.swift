import Foundation

/// An SNS notification as a subscribed SQS queue receives it without raw message delivery: the JSON envelope around
/// the published message (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html).
package struct SNSEnvelope: Decodable, Sendable {
    /// A message attribute as the envelope writes it.
    package struct Attribute: Decodable, Equatable, Sendable {
        /// `String`, `Number` or `Binary`.
        package let `Type`: String
        /// The value as text.
        package let Value: String

        /// An attribute of type `Type` holding `Value`.
        package init(`Type`: String, Value: String) {
            self.`Type` = `Type`
            self.Value = Value
        }
    }

    /// `Notification`.
    package let `Type`: String
    /// The id SNS gave the published message.
    package let MessageId: String
    /// The topic that sent it.
    package let TopicArn: String
    /// The subject, when the publisher gave one.
    package let Subject: String?
    /// The published message.
    package let Message: String
    /// The published message attributes, when there were any.
    package let MessageAttributes: [String: Attribute]?

    /// Decodes the body of an SQS message delivered by an SNS subscription.
    package init(body: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(body.utf8))
    }
}
