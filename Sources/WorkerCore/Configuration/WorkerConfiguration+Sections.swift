package import Logging

/// Where events come from and how the consumer paces itself.
package struct QueueSettings: Sendable, Hashable {
    /// The SQS queue URL; nil uses the local SQLite queue.
    package var url: String?
    /// The local queue's database file.
    package var localPath = ".thumbworker/queue.sqlite"
    /// Receives after which the local queue moves a message to its dead-letter store (SQS uses its redrive policy).
    package var localMaxReceives = 5
    /// Batch size, messages in flight, waits, timeouts and the permanent-failure policy.
    package var consumer = ConsumerSettings()

    /// The defaults: the local queue.
    package init() {}
}

/// Which buckets are read and written.
package struct StorageSettings: Sendable, Hashable {
    /// The upload buckets whose events are processed; empty accepts any bucket the events name.
    package var sourceBuckets: [String] = ["uploads"]
    /// The bucket thumbnails are written to.
    package var destinationBucket = "thumbnails"
    /// Prepended to every thumbnail key.
    package var destinationPrefix = ""
    /// Whether thumbnails already made from the same source version are reused on a duplicate delivery.
    package var reuseCurrentOutputs = true
    /// Whether an original's thumbnails are deleted when S3 reports the original removed.
    package var deleteOnRemove = false
    /// Seconds a presigned GET URL in notifications stays valid; 0 puts plain URLs.
    package var presignSeconds = 0
    /// With no AWS, the folder whose subfolders are the buckets.
    package var localRoot = ".thumbworker/buckets"

    /// The defaults: `uploads` → `thumbnails`.
    package init() {}
}

/// How AWS is reached.
package struct AWSSettings: Sendable, Hashable {
    /// The region; nil reads `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile.
    package var region: String?
    /// A custom endpoint for every service (S3-compatible stores, emulators); nil uses AWS or `AWS_ENDPOINT_URL*`.
    package var endpointURL: String?
    /// Path-style S3 addressing: nil decides automatically (path-style for IP addresses, localhost and custom endpoints).
    package var pathStyle: Bool?

    /// The defaults.
    package init() {}
}

/// One place notifications go; its description never shows the webhook secret.
package enum NotifierSettings: Sendable, Hashable, CustomStringConvertible {
    /// Log every event; `printsEvents` also prints its JSON on standard output.
    case log(printsEvents: Bool)
    /// POST the JSON to a URL, signed with HMAC-SHA256 when a secret is given.
    case webhook(url: String, secret: String?, timeoutSeconds: Int)
    /// Publish to an SNS topic.
    case sns(topicARN: String)
    /// Broadcast to the browser clients of an API Gateway websocket API, whose connection ids are in a DynamoDB table.
    case websocket(connectionsTable: String, endpoint: String)

    /// The settings with any secret redacted.
    package var description: String {
        switch self {
        case .log(let printsEvents): "log(print: \(printsEvents))"
        case .webhook(let url, let secret, let timeout):
            "webhook(\(url), secret: \(secret == nil ? "none" : "<redacted>"), timeout: \(timeout)s)"
        case .sns(let topic): "sns(\(topic))"
        case .websocket(let table, let endpoint): "websocket(table: \(table), endpoint: \(endpoint))"
        }
    }
}

/// Logs and the metrics endpoint.
package struct ObservabilitySettings: Sendable, Hashable {
    /// How log lines look.
    package enum LogFormat: String, Sendable, Hashable, CaseIterable {
        /// Human-readable lines.
        case text
        /// One JSON object per line.
        case json
    }

    /// How log lines look.
    package var logFormat: LogFormat = .text
    /// The lowest level logged: trace, debug, info, notice, warning, error, critical.
    package var logLevel: Logger.Level = .info
    /// The port serving `/metrics`, `/health` and `/ready`; 0 turns the endpoint off.
    package var metricsPort = 9464
    /// The address the metrics endpoint listens on: loopback by default, so nothing is exposed unless asked for.
    package var metricsHost = "127.0.0.1"

    /// The defaults.
    package init() {}
}

/// `thumbworker serve`: where the app's API and page listen, and who may call them from a browser.
package struct ServeSettings: Sendable, Hashable {
    /// The address to listen on: loopback by default.
    package var host = "127.0.0.1"
    /// The port.
    package var port = 8080
    /// The origins (`https://app.example.com`) whose pages may call the API; empty allows none but the server's own.
    package var corsOrigins: [String] = []
    /// Seconds an upload URL stays valid.
    package var uploadURLSeconds = 900
    /// How the writing routes and the websocket check callers.
    package var auth = ServeAuthentication.none
    /// The HS256 secret (`serve.auth: hs256`).
    package var jwtSecret: String?
    /// The JWKS for RS256 (`serve.auth: rs256`): a file path or an `https://` URL.
    package var jwks: String?
    /// The `iss` tokens must name, when set.
    package var jwtIssuer: String?
    /// The audience tokens' `aud` must include, when set.
    package var jwtAudience: String?
    /// Whether `serve` runs the worker in its own process (false: a separate fleet reports to `/events`).
    package var runsWorker = true
    /// The secret a separate fleet's webhook deliveries to `/events` are signed with; nil mounts no `/events`.
    package var webhookSecret: String?
    /// The DynamoDB table of groups (keyed by `id`), with `queue.url` set.
    package var groupsTable: String?
    /// The DynamoDB table of images (keyed by `groupId` + `timestamp`, index `imageId-index`), with `queue.url` set.
    package var imagesTable: String?

    /// The defaults: 127.0.0.1:8080, no other origin, 15-minute upload URLs, no authentication.
    package init() {}
}

/// `serve.auth`: whether `serve` asks for a bearer JWT, and how it verifies one.
package enum ServeAuthentication: String, Sendable, Hashable, CaseIterable {
    /// No tokens: for the local demo, allowed only when `serve` listens on loopback.
    case none
    /// HS256 with `serve.jwt_secret`.
    case hs256
    /// RS256 against the keys of `serve.jwks`.
    case rs256
}
