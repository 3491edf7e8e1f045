package import AppCore
import Foundation
import JWTKit

/// Verifies JSON Web Tokens with jwt-kit: HS256 with a shared secret, or RS256 against the keys of a JWKS, read again
/// when a token names a key it lacks (the issuer rotated its keys); the token must carry `sub` and `exp`, and `iss`
/// and `aud` when they are configured.
package struct JWTVerifier: TokenVerifying {
    /// The keys tokens may be signed with, and nothing else (no `none`, no other algorithm).
    private let keys: JWTKeyCollection
    /// Reads the JWKS again, at most once a `JWKSRefresh.interval`; nil for HS256.
    private var refresh: JWKSRefresh?
    /// The `iss` a token must name, when set.
    private let issuer: String?
    /// The audience a token's `aud` must include, when set.
    private let audience: String?

    /// Verifies HS256 tokens signed with `secret`.
    package static func hs256(secret: String, issuer: String?, audience: String?) async -> JWTVerifier {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return JWTVerifier(keys: keys, refresh: nil, issuer: issuer, audience: audience)
    }

    /// Verifies RS256 tokens against the RSA keys of the JWKS document `source` gives — now, and again when a token
    /// names an unknown key, at most once a `refreshInterval`; a document with no usable key is refused.
    package static func rs256(
        jwks source: @escaping @Sendable () async throws(AppError) -> String, issuer: String?, audience: String?,
        refreshInterval: Duration = .seconds(60)
    ) async throws(AppError) -> JWTVerifier {
        let keys = JWTKeyCollection()
        let kids = try await add(try await source(), to: keys)
        return JWTVerifier(
            keys: keys, refresh: JWKSRefresh(source: source, interval: refreshInterval, knownKIDs: kids),
            issuer: issuer, audience: audience)
    }

    /// Adds the RSA keys of a JWKS document to `keys`, replacing those with the same `kid`; their kids.
    fileprivate static func add(_ json: String, to keys: JWTKeyCollection) async throws(AppError) -> Set<String> {
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
            return Set(rsaKeys.compactMap { $0.keyIdentifier?.string })
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError(.invalidRequest, "the JWKS cannot be read: \(error)")
        }
    }

    /// The token's subject, once its signature, expiry, issuer and audience are checked.
    package func subject(ofToken token: String) async throws(AppError) -> String {
        let claims: TokenClaims
        // jwt-kit checks a token whose kid it lacks against its first key, so a rotation is noticed here.
        if let refresh, let kid = Self.keyID(of: token) {
            await refresh.readAgain(ifLacking: kid, into: keys)
        }
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

extension JWTVerifier {
    /// The `kid` of a token's header, read without verifying anything; nil when there is none or it is malformed.
    fileprivate static func keyID(of token: String) -> String? {
        guard let header = token.split(separator: ".", maxSplits: 1).first, let data = Base64URL.decode(header),
            let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return fields["kid"] as? String
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

/// When the JWKS was last read, the kids it held, and how to read it again: a token with a kid it lacked makes the
/// verifier read the document anew, but not more than once an `interval`, so made-up kids cannot make it hammer the
/// issuer.
private actor JWKSRefresh {
    /// Reads the document.
    private let source: @Sendable () async throws(AppError) -> String
    /// The shortest time between two reads.
    private let interval: Duration
    /// The kids of the keys read so far.
    private var knownKIDs: Set<String>
    /// When it was last read; the first read is `rs256`'s.
    private var lastRead = ContinuousClock.now

    init(source: @escaping @Sendable () async throws(AppError) -> String, interval: Duration, knownKIDs: Set<String>) {
        self.source = source
        self.interval = interval
        self.knownKIDs = knownKIDs
    }

    /// Reads the document again and adds its keys when `kid` is not among the known ones, unless it was read less
    /// than `interval` ago; a document that cannot be read now leaves the keys as they were.
    func readAgain(ifLacking kid: String, into keys: JWTKeyCollection) async {
        guard !knownKIDs.contains(kid), ContinuousClock.now - lastRead >= interval else { return }
        lastRead = ContinuousClock.now
        if let kids = try? await JWTVerifier.add(try await source(), to: keys) {
            knownKIDs.formUnion(kids)
        }
    }
}
