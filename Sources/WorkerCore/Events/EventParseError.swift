/// Why a queue message body cannot be understood; permanent: the same body fails every time.
package struct EventParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the body, naming the field or value at fault.
    package let message: String

    /// Creates an error with a message a person can act on.
    package init(_ message: String) {
        self.message = message
    }

    /// The message.
    package var description: String { message }
}
