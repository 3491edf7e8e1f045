import AppCore
import AsyncHTTPClient
import Foundation
import NIOCore
import Serve
import WorkerCore

extension ServeCommand {
    /// Why `serve` cannot start with its authentication settings.
    struct AuthenticationProblem: Error, CustomStringConvertible {
        /// What is wrong and what to do.
        let description: String
    }

    /// The callers' check `serve.auth` asks for: none (loopback only), HS256 with the secret, or RS256 against the
    /// JWKS read now from its file or URL (and again when a token names a key it lacks).
    static func authentication(for settings: ServeSettings) async throws(AuthenticationProblem) -> Authentication {
        switch settings.auth {
        case .none:
            guard ["127.0.0.1", "::1", "localhost"].contains(settings.host) else {
                throw AuthenticationProblem(
                    description: "serve.auth is none but serve.host \(settings.host) is not loopback: anyone who "
                        + "reaches it could write; set serve.auth to hs256 or rs256, or serve.host to 127.0.0.1")
            }
            return .none
        case .hs256:
            guard let secret = settings.jwtSecret, secret.utf8.count >= 32 else {
                throw AuthenticationProblem(
                    description: "serve.auth is hs256: set serve.jwt_secret (or THUMBWORKER_SERVE_JWT_SECRET) to a "
                        + "secret of at least 32 bytes")
            }
            return Authentication(
                verifier: await JWTVerifier.hs256(
                    secret: secret, issuer: settings.jwtIssuer, audience: settings.jwtAudience))
        case .rs256:
            guard let source = settings.jwks else {
                throw AuthenticationProblem(
                    description: "serve.auth is rs256: set serve.jwks to a JWKS file or its https:// URL")
            }
            do throws(AppError) {
                // Read now, and again when a token names a key the document lacked (a rotation).
                return Authentication(
                    verifier: try await JWTVerifier.rs256(
                        jwks: { () async throws(AppError) -> String in try await jwksDocument(at: source) },
                        issuer: settings.jwtIssuer, audience: settings.jwtAudience))
            } catch {
                throw AuthenticationProblem(description: "serve.jwks \(source): \(error.message)")
            }
        }
    }

    /// The JWKS text of a file, or of an `http(s)://` URL fetched once.
    private static func jwksDocument(at source: String) async throws(AppError) -> String {
        guard source.hasPrefix("https://") || source.hasPrefix("http://") else {
            do {
                return try String(contentsOfFile: source, encoding: .utf8)
            } catch {
                throw AppError(.invalidRequest, "cannot read the file: \(error.localizedDescription)")
            }
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let answer: Result<(status: UInt, text: String), any Error>
        do {
            answer = .success(try await LocalHTTP.get(source, client: client, timeout: .seconds(10)))
        } catch {
            answer = .failure(error)
        }
        try? await client.shutdown()
        switch answer {
        case .success(let answer) where answer.status == 200: return answer.text
        case .success(let answer): throw AppError(.invalidRequest, "the URL answered HTTP \(answer.status)")
        case .failure(let error): throw AppError(.invalidRequest, "cannot fetch it: \(error)")
        }
    }
}
