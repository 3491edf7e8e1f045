package import Foundation

/// A message the local queue moved aside after it was received `maxReceiveCount` times without being deleted.
package struct DeadLetter: Sendable, Hashable {
    /// The message id, kept when the message is redriven.
    package var id: String
    /// The body, as sent.
    package var body: String
    /// When the message was first sent.
    package var sentAt: Date
    /// How many times it was received before it was dead-lettered.
    package var receiveCount: Int
    /// When it was moved to the dead-letter store.
    package var deadLetteredAt: Date

    /// Creates a dead letter.
    package init(id: String, body: String, sentAt: Date, receiveCount: Int, deadLetteredAt: Date) {
        self.id = id
        self.body = body
        self.sentAt = sentAt
        self.receiveCount = receiveCount
        self.deadLetteredAt = deadLetteredAt
    }
}
