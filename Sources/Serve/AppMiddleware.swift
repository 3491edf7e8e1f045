import AppCore
package import Hummingbird
import Logging

/// Turns an `AppError` thrown by a route into its JSON answer, and any other failure into a 500 that is logged.
package struct AppErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    package init() {}

    /// Runs the route and answers its failure.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AppError {
            if error.code.status >= 500 {
                context.logger.error("request failed", metadata: ["serve.error": "\(error)"])
            }
            var response = JSONResponse.error(error)
            if error.code == .unauthorized {
                response.headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
            }
            return response
        } catch let error as HTTPError {
            return JSONResponse.error(
                AppError(error.status == .notFound ? .notFound : .invalidRequest, error.body ?? "\(error.status)"))
        } catch {
            context.logger.error("request failed", metadata: ["serve.error": "\(error)"])
            return JSONResponse.error(AppError(.catalogUnusable, "the server failed: \(error)"))
        }
    }
}

/// Cross-origin requests from a configured set of origins: preflights (`OPTIONS` with
/// `Access-Control-Request-Method`) are answered 204 with what may be sent, or 403 for an origin not in the set;
/// other requests from an allowed origin get `Access-Control-Allow-Origin`.
package struct CORSPolicy<Context: RequestContext>: RouterMiddleware {
    /// The origins allowed, e.g. `https://app.example.com`; empty allows none.
    package var origins: Set<String>
    /// How long a browser may cache a preflight's answer, in seconds.
    package var maxAge = 600

    /// A policy for `origins`.
    package init(origins: Set<String>) {
        self.origins = origins
    }

    /// Answers preflights and marks allowed answers.
    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = origins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                return JSONResponse.error(
                    AppError(.forbidden, "origin \(origin) is not in serve.cors_origins"))
            }
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .vary: "Origin",
                    .accessControlAllowMethods: "GET, POST, PUT, DELETE, OPTIONS",
                    .accessControlAllowHeaders: "Authorization, Content-Type",
                    .accessControlMaxAge: String(maxAge),
                ])
        }
        var response = try await next(request, context)
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        }
        return response
    }
}
