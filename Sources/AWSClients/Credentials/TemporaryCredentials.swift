package import Foundation
package import SigV4

/// Credentials that stop working at `expiration` (STS, ECS/EKS container roles, EC2 instance profiles).
package struct TemporaryCredentials: Sendable {
    /// The key pair and session token.
    package let credentials: Credentials
    /// When AWS stops accepting them.
    package let expiration: Date

    /// Pairs credentials with their expiration.
    package init(credentials: Credentials, expiration: Date) {
        self.credentials = credentials
        self.expiration = expiration
    }
}
