/// An AWS access key pair and, for temporary credentials, a session token.
///
/// `description`, `debugDescription` and the mirror `dump` uses show the access key id only: the secret
/// and the token are redacted, so a logged or printed value never leaks them.
package struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The public half of the key pair (`AKIA…`, or `ASIA…` for temporary credentials).
    package let accessKeyID: String
    /// The secret half of the key pair; only ever used as an HMAC key.
    package let secretAccessKey: String
    /// The token that comes with temporary credentials (STS, ECS task roles, EC2 instance profiles).
    package let sessionToken: String?

    /// Makes credentials from their parts.
    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    private static let redacted = "<redacted>"

    /// The access key id with the secret and token redacted.
    package var description: String {
        "Credentials(accessKeyID: \(accessKeyID), secretAccessKey: \(Self.redacted), sessionToken: \(redactedSessionToken))"
    }

    /// The same redacted text as `description`.
    package var debugDescription: String { description }

    /// A mirror with the secret and token redacted, for `dump` and reflection.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": accessKeyID, "secretAccessKey": Self.redacted, "sessionToken": redactedSessionToken,
            ],
            displayStyle: .struct
        )
    }

    private var redactedSessionToken: String { sessionToken == nil ? "none" : Self.redacted }
}
