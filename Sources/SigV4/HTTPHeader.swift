/// One header field of a request; a request may hold several with the same name, in order.
package struct HTTPHeader: Sendable, Hashable {
    /// The field name, in any case (`Content-Type`, `x-amz-date`).
    package var name: String
    /// The field value as it will be sent.
    package var value: String

    /// Makes a header field from its name and value.
    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
