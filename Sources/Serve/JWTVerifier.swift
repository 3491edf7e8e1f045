package import AppCore
import Foundation
import JWTKit

/// Verifies JSON Web Tokens with jwt-kit: HS256 with a shared secret, or RS256 against the keys of a JWKS; the token
/// must carry `sub` and `exp`, and `iss` and `aud` when they are configured.
package struct JWTVerifier: TokenVerifying {
    /// The keys tokens may be signed with, and nothing else (no `none`, no other algorithm).
    private let keys: JWTKeyCollection
    /// The `iss` a token must name, when set.
    private let issuer: String?
    /// The audience a token's `aud` must include, when set.
    private let audience: String?

    /// Verifies HS256 tokens signed with `secret`.
    package static func hs256(secret: String, issuer: String?, audience: String?) async -> JWTVerifier {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return JWTVerifier(keys: keys, issuer: issuer, audience: audience)
    }

    /// Verifies RS256 tokens against the RSA keys of a JWKS document; a document with no usable key is refused.
    package static func rs256(jwks json: String, issuer: String?, audience: String?) async throws(AppError)
        -> JWTVerifier
    {
        let keys = JWTKeyCollection()
        do {
            let set = try JSONDecoder().decode(JWKS.self, from: Data(json.utf8))
            let rsaKeys = set.keys.filter { $0.keyType == .rsa && ($0.algorithm == nil || $0.algorithm == .rs256) }
            guard !rsaKeys.isEmpty else {
                throw AppError(.invalidRequest, "the JWKS has no RSA key for RS256 (kty RSA, alg RS256 or none)")
            }
            for key in rsaKeys {
                var key = key
                key.algorithm = .rs256
                try await keys.add(jwk: key)
            }
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError(.invalidRequest, "the JWKS cannot be read: \(error)")
        }
        return JWTVerifier(keys: keys, issuer: issuer, audience: audience)
    }

    /// The token's subject, once its signature, expiry, issuer and audience are checked.
    package func subject(ofToken token: String) async throws(AppError) -> String {
        let claims: TokenClaims
        do {
            claims = try await keys.verify(token, as: TokenClaims.self)
        } catch let error as JWTError {
            throw AppError(.unauthorized, "the token does not verify: \(error.reason ?? "\(error.errorType)")")
        } catch {
            throw AppError(.unauthorized, "the token does not verify: \(error)")
        }
        if let issuer, claims.iss?.value != issuer {
            throw AppError(.unauthorized, "the token's issuer is not \(issuer)")
        }
        if let audience, claims.aud?.value.contains(audience) != true {
            throw AppError(.unauthorized, "the token is not meant for \(audience)")
        }
        guard !claims.sub.value.isEmpty else { throw AppError(.unauthorized, "the token's sub is empty") }
        return claims.sub.value
    }
}

/// The claims the API reads of a token.
private struct TokenClaims: JWTPayload {
    /// Who the caller is.
    var sub: SubjectClaim
    /// Until when the token is good.
    var exp: ExpirationClaim
    /// Who issued it.
    var iss: IssuerClaim?
    /// Whom it is for.
    var aud: AudienceClaim?

    /// Refuses an expired token.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
