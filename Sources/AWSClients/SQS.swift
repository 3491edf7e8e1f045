package import Foundation

/// Request and response shapes of the SQS operations this module calls, in SQS's JSON protocol.
package enum SQS {
    /// What ReceiveMessage asks for.
    package struct ReceiveMessageRequest: Sendable, Encodable {
        /// The queue's URL.
        package var queueURL: String
        /// At most this many messages, 1 to 10.
        package var maxNumberOfMessages: Int
        /// How long to wait for a message to arrive (long polling), 0 to 20 seconds.
        package var waitTimeSeconds: Int
        /// How long received messages stay hidden; the queue's setting when `nil`.
        package var visibilityTimeoutSeconds: Int?
        /// The system attributes wanted (`ApproximateReceiveCount`, `SentTimestamp`, or `All`).
        package var systemAttributeNames: [String]
        /// The message attributes wanted (`All`, or names).
        package var messageAttributeNames: [String]

        /// Makes a request; by default up to 10 messages, a 20-second long poll, every attribute.
        package init(
            queueURL: String,
            maxNumberOfMessages: Int = 10,
            waitTimeSeconds: Int = 20,
            visibilityTimeoutSeconds: Int? = nil,
            systemAttributeNames: [String] = ["All"],
            messageAttributeNames: [String] = ["All"]
        ) {
            self.queueURL = queueURL
            self.maxNumberOfMessages = maxNumberOfMessages
            self.waitTimeSeconds = waitTimeSeconds
            self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
            self.systemAttributeNames = systemAttributeNames
            self.messageAttributeNames = messageAttributeNames
        }

        private enum CodingKeys: String, CodingKey {
            case queueURL = "QueueUrl"
            case maxNumberOfMessages = "MaxNumberOfMessages"
            case waitTimeSeconds = "WaitTimeSeconds"
            case visibilityTimeoutSeconds = "VisibilityTimeout"
            case systemAttributeNames = "MessageSystemAttributeNames"
            case messageAttributeNames = "MessageAttributeNames"
        }
    }

    /// One received message.
    package struct Message: Sendable, Decodable, Equatable {
        /// The id SQS gave the message when it was sent.
        package var messageID: String
        /// The handle for deleting the message or changing its visibility; valid for this receipt only.
        package var receiptHandle: String
        /// The body.
        package var body: String
        /// The MD5 of the body, hex.
        package var md5OfBody: String?
        /// The system attributes asked for (`ApproximateReceiveCount`, `SentTimestamp`, …).
        package var attributes: [String: String]
        /// The message attributes asked for.
        package var messageAttributes: [String: MessageAttributeValue]

        /// How many times the message has been received, this time included.
        package var approximateReceiveCount: Int? { attributes["ApproximateReceiveCount"].flatMap { Int($0) } }
        /// When the message was sent.
        package var sentTimestamp: Date? {
            attributes["SentTimestamp"].flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0 / 1000) }
        }

        private enum CodingKeys: String, CodingKey {
            case messageID = "MessageId"
            case receiptHandle = "ReceiptHandle"
            case body = "Body"
            case md5OfBody = "MD5OfBody"
            case attributes = "Attributes"
            case messageAttributes = "MessageAttributes"
        }

        /// Reads a message, absent attribute maps as empty ones.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messageID = try container.decode(String.self, forKey: .messageID)
            receiptHandle = try container.decode(String.self, forKey: .receiptHandle)
            body = try container.decode(String.self, forKey: .body)
            md5OfBody = try container.decodeIfPresent(String.self, forKey: .md5OfBody)
            attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
            messageAttributes =
                try container.decodeIfPresent([String: MessageAttributeValue].self, forKey: .messageAttributes) ?? [:]
        }
    }

    /// One message of a DeleteMessageBatch.
    package struct DeleteEntry: Sendable, Encodable, Equatable {
        /// An id unique within the batch, echoed in the result.
        package var id: String
        /// The handle from ReceiveMessage.
        package var receiptHandle: String

        /// Makes an entry.
        package init(id: String, receiptHandle: String) {
            self.id = id
            self.receiptHandle = receiptHandle
        }

        private enum CodingKeys: String, CodingKey {
            case id = "Id"
            case receiptHandle = "ReceiptHandle"
        }
    }

    /// One message of a ChangeMessageVisibilityBatch.
    package struct VisibilityEntry: Sendable, Encodable, Equatable {
        /// An id unique within the batch, echoed in the result.
        package var id: String
        /// The handle from ReceiveMessage.
        package var receiptHandle: String
        /// The new visibility timeout, counted from now, 0 to 43 200 seconds.
        package var visibilityTimeoutSeconds: Int

        /// Makes an entry.
        package init(id: String, receiptHandle: String, visibilityTimeoutSeconds: Int) {
            self.id = id
            self.receiptHandle = receiptHandle
            self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        }

        private enum CodingKeys: String, CodingKey {
            case id = "Id"
            case receiptHandle = "ReceiptHandle"
            case visibilityTimeoutSeconds = "VisibilityTimeout"
        }
    }

    /// What a batch call did, entry by entry: a batch succeeds as a call even when some entries fail.
    package struct BatchResult: Sendable, Decodable, Equatable {
        /// The ids of the entries that succeeded.
        package var successful: [String]
        /// The entries that failed, with why.
        package var failed: [BatchFailure]

        private struct Success: Decodable {
            let id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }

        private enum CodingKeys: String, CodingKey {
            case successful = "Successful"
            case failed = "Failed"
        }

        /// Reads a result, absent lists as empty ones.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            successful = (try container.decodeIfPresent([Success].self, forKey: .successful) ?? []).map(\.id)
            failed = try container.decodeIfPresent([BatchFailure].self, forKey: .failed) ?? []
        }
    }

    /// One failed entry of a batch call.
    package struct BatchFailure: Sendable, Decodable, Equatable {
        /// The entry's id.
        package var id: String
        /// The error code, such as `ReceiptHandleIsInvalid`.
        package var code: String
        /// The explanation.
        package var message: String?
        /// Whether the entry itself was wrong (retrying it will not help) rather than the service.
        package var senderFault: Bool

        private enum CodingKeys: String, CodingKey {
            case id = "Id"
            case code = "Code"
            case message = "Message"
            case senderFault = "SenderFault"
        }
    }

    /// What SendMessage sends.
    package struct SendMessageRequest: Sendable, Encodable {
        /// The queue's URL.
        package var queueURL: String
        /// The body, up to 256 KiB of text.
        package var body: String
        /// Typed attributes sent beside the body.
        package var messageAttributes: [String: MessageAttributeValue]
        /// How long the message stays invisible after sending, 0 to 900 seconds.
        package var delaySeconds: Int?

        /// Makes a request.
        package init(
            queueURL: String,
            body: String,
            messageAttributes: [String: MessageAttributeValue] = [:],
            delaySeconds: Int? = nil
        ) {
            self.queueURL = queueURL
            self.body = body
            self.messageAttributes = messageAttributes
            self.delaySeconds = delaySeconds
        }

        private enum CodingKeys: String, CodingKey {
            case queueURL = "QueueUrl"
            case body = "MessageBody"
            case messageAttributes = "MessageAttributes"
            case delaySeconds = "DelaySeconds"
        }
    }

    /// What SendMessage answers.
    package struct SentMessage: Sendable, Decodable, Equatable {
        /// The new message's id.
        package var messageID: String
        /// The MD5 of the body, hex.
        package var md5OfBody: String?

        private enum CodingKeys: String, CodingKey {
            case messageID = "MessageId"
            case md5OfBody = "MD5OfMessageBody"
        }
    }
}
