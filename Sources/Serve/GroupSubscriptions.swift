package import AppCore

/// Who listens to which group on `/live`: each connection gets a stream of the messages meant for it, and an image's
/// event goes to the connections subscribed to its group only.
package actor GroupSubscriptions {
    /// A connection's groups and the stream its writer drains.
    private struct Listener {
        var groups: Set<String> = []
        let messages: AsyncStream<LiveMessage>.Continuation
    }

    /// The most messages waiting for one slow connection; older ones are dropped (the page lists the group again
    /// when it reconnects).
    private static let backlog = 256
    /// The most groups one connection may follow.
    package static let largestSubscriptionCount = 100

    private var listeners: [Int: Listener] = [:]
    private var nextID = 0

    /// Creates an empty registry.
    package init() {}

    /// Registers a connection: its id, and the stream of what is sent to it.
    package func connect() -> (id: Int, messages: AsyncStream<LiveMessage>) {
        let (messages, continuation) = AsyncStream.makeStream(
            of: LiveMessage.self, bufferingPolicy: .bufferingNewest(Self.backlog))
        nextID += 1
        listeners[nextID] = Listener(messages: continuation)
        return (nextID, messages)
    }

    /// Adds `group` to the connection's groups; false when it already follows the most it may.
    package func subscribe(_ id: Int, to group: String) -> Bool {
        guard var listener = listeners[id] else { return false }
        guard listener.groups.contains(group) || listener.groups.count < Self.largestSubscriptionCount else {
            return false
        }
        listener.groups.insert(group)
        listeners[id] = listener
        return true
    }

    /// Removes `group` from the connection's groups.
    package func unsubscribe(_ id: Int, from group: String) {
        listeners[id]?.groups.remove(group)
    }

    /// Sends `message` to one connection.
    package func send(_ message: LiveMessage, to id: Int) {
        listeners[id]?.messages.yield(message)
    }

    /// Sends `message` to every connection subscribed to `group`.
    package func publish(_ message: LiveMessage, toGroup group: String) {
        for listener in listeners.values where listener.groups.contains(group) {
            listener.messages.yield(message)
        }
    }

    /// Forgets a connection and ends its stream.
    package func disconnect(_ id: Int) {
        listeners.removeValue(forKey: id)?.messages.finish()
    }

    /// How many connections follow `group`.
    package func subscriberCount(of group: String) -> Int {
        listeners.values.count(where: { $0.groups.contains(group) })
    }
}

/// What the server sends on `/live`, as JSON: `{"type": "authenticated"}`, `{"type": "subscribed", "groupId"}`, `{"type": "unsubscribed",
/// "groupId"}`, `{"type": "thumbnails.ready" or "thumbnails.failed", "groupId", "image"}`, `{"type": "error",
/// "message"}`.
package enum LiveMessage: Sendable, Hashable, Encodable {
    /// The connection's token verified.
    case authenticated
    /// The connection now gets the group's events.
    case subscribed(groupId: String)
    /// The connection no longer gets the group's events.
    case unsubscribed(groupId: String)
    /// An image's event (`thumbnails.ready` or `thumbnails.failed`), with the image as it is now.
    case imageEvent(type: String, image: ImageItem)
    /// The client's message could not be followed.
    case error(message: String)

    private enum Key: String, CodingKey {
        case type, groupId, image, message
    }

    /// Writes the message's JSON object.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .authenticated:
            try container.encode("authenticated", forKey: .type)
        case .subscribed(let groupId):
            try container.encode("subscribed", forKey: .type)
            try container.encode(groupId, forKey: .groupId)
        case .unsubscribed(let groupId):
            try container.encode("unsubscribed", forKey: .type)
            try container.encode(groupId, forKey: .groupId)
        case .imageEvent(let type, let image):
            try container.encode(type, forKey: .type)
            try container.encode(image.groupId, forKey: .groupId)
            try container.encode(image, forKey: .image)
        case .error(let message):
            try container.encode("error", forKey: .type)
            try container.encode(message, forKey: .message)
        }
    }
}
