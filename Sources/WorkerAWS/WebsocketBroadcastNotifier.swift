package import AWSClients
package import Logging
package import WorkerCore

/// Sends each event's JSON to every browser connected to an API Gateway websocket API, pruning connections that are
/// gone.
///
/// The connections are the items of a DynamoDB table (the seed app's: one item per connection, keyed by the string
/// attribute `connectionId`). The table is read with a paginated Scan, and each page's connections get a
/// PostToConnection as soon as the page arrives, at most `maxConcurrentPosts` at a time
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html).
/// A connection that answers 410 Gone has closed: its item is deleted. Any other failed post is logged and counted.
///
/// One dead browser must not bring the queue message back, so `notify` fails only when the connections cannot be read
/// (the Scan failed), or when no connection was reached and every failed post failed for a reason that may pass
/// (throttling, 5xx, timeouts: API Gateway itself is in trouble). Delivery is at least once: after such a failure the
/// event is broadcast again, to the connections that did get it too.
package struct WebsocketBroadcastNotifier: Notifier {
    /// Where the connections are listed and how hard to push.
    package struct Configuration: Sendable, CustomStringConvertible {
        /// The DynamoDB table listing the open connections.
        package var tableName: String
        /// The table's key attribute holding a connection id (type `S`).
        package var connectionIDAttribute: String
        /// Items evaluated per Scan page (the Scan's `Limit`); nil lets DynamoDB fill pages up to 1 MB.
        package var pageSize: Int?
        /// The most PostToConnection calls in flight at once; at least 1.
        package var maxConcurrentPosts: Int

        /// Makes a configuration; the defaults match the seed app's table and post to 8 connections at a time.
        package init(
            tableName: String, connectionIDAttribute: String = "connectionId", pageSize: Int? = nil,
            maxConcurrentPosts: Int = 8
        ) {
            self.tableName = tableName
            self.connectionIDAttribute = connectionIDAttribute
            self.pageSize = pageSize
            self.maxConcurrentPosts = maxConcurrentPosts
        }

        /// `websocket broadcast to the connections in table NAME`.
        package var description: String { "websocket broadcast to the connections in table \(tableName)" }
    }

    /// What became of one connection.
    private enum Delivery {
        /// The event was posted.
        case sent
        /// The connection was gone and its item was deleted.
        case pruned
        /// The connection was gone but its item could not be deleted (a later broadcast tries again).
        case gone
        /// The post failed for another reason.
        case failed(AWSError)
    }

    /// The counts of one broadcast.
    private struct Tally {
        var sent = 0
        var pruned = 0
        var failed = 0
        var retryableFailures = 0
        var firstFailure: AWSError?
        var itemsWithoutID = 0

        mutating func add(_ delivery: Delivery) {
            switch delivery {
            case .sent: sent += 1
            case .pruned: pruned += 1
            case .gone: break  // logged where it happened; neither a delivery nor a failure
            case .failed(let error):
                failed += 1
                if WebsocketBroadcastNotifier.isTransient(error) { retryableFailures += 1 }
                if firstFailure == nil { firstFailure = error }
            }
        }
    }

    /// `websocket`.
    package let name = "websocket"
    private let configuration: Configuration
    private let table: DynamoDBClient
    private let gateway: APIGatewayManagementClient
    private let logger: Logger

    /// Makes a notifier reading connections through `table` and posting through `gateway` (one stage's management
    /// endpoint); the caller owns and shuts down their transport.
    package init(
        configuration: Configuration, table: DynamoDBClient, gateway: APIGatewayManagementClient, logger: Logger
    ) {
        precondition(configuration.maxConcurrentPosts >= 1, "a websocket broadcast needs at least one post in flight")
        self.configuration = configuration
        self.table = table
        self.gateway = gateway
        self.logger = logger
    }

    /// Posts the event to every listed connection and prunes the gone ones; throws `notificationFailed` (retryable)
    /// when the Scan failed for a passing reason or no connection was reached and every failure may pass, and
    /// `notificationRejected` (permanent) when the Scan was refused (missing table, no permission).
    package func notify(_ event: ThumbnailEvent) async throws(WorkerError) {
        var logger = logger
        logger[metadataKey: "thumb.notifier"] = "\(name)"
        logger[metadataKey: "thumb.websocket.table"] = "\(configuration.tableName)"
        logger[metadataKey: "thumb.event.type"] = "\(event.type)"
        logger[metadataKey: "thumb.s3.key"] = "\(event.source.key)"
        let (tally, scanFailure) = await broadcast(event.jsonBytes(), logger: logger)
        if tally.itemsWithoutID > 0 {
            logger.warning(
                "connection items without a string \(configuration.connectionIDAttribute) attribute were skipped",
                metadata: ["thumb.websocket.skipped": "\(tally.itemsWithoutID)"]
            )
        }
        logger.info(
            "websocket broadcast",
            metadata: [
                "thumb.websocket.sent": "\(tally.sent)",
                "thumb.websocket.pruned": "\(tally.pruned)",
                "thumb.websocket.failed": "\(tally.failed)",
            ]
        )
        if let scanFailure {
            throw scanError(scanFailure)
        }
        if let failure = tally.firstFailure, tally.sent == 0, tally.retryableFailures == tally.failed {
            throw WorkerError(
                .notificationFailed,
                "\(configuration) reached none of its connections: \(tally.failed) posts failed (first: \(failure)); "
                    + "the queue message will come back and the event will be broadcast again",
                retryable: true
            )
        }
    }

    /// Scans the table page by page, keeping at most `maxConcurrentPosts` posts in flight across page boundaries;
    /// returns the counts and, when a Scan failed, its error (the posts already started still finish).
    private func broadcast(_ data: [UInt8], logger: Logger) async -> (Tally, scanFailure: AWSError?) {
        await withTaskGroup(of: Delivery.self) { group in
            var tally = Tally()
            var inFlight = 0
            var request = DynamoDB.ScanRequest(tableName: configuration.tableName, limit: configuration.pageSize)
            var scanFailure: AWSError?
            scanning: while true {
                let page: DynamoDB.ItemPage
                do throws(AWSError) {
                    page = try await table.scan(request, logger: logger)
                } catch {
                    scanFailure = error
                    break scanning
                }
                for item in page.items {
                    guard let connectionID = item[configuration.connectionIDAttribute]?.stringValue else {
                        tally.itemsWithoutID += 1
                        continue
                    }
                    if inFlight == configuration.maxConcurrentPosts, let delivery = await group.next() {
                        tally.add(delivery)
                        inFlight -= 1
                    }
                    group.addTask { await deliver(data, to: connectionID, logger: logger) }
                    inFlight += 1
                }
                guard let next = page.lastEvaluatedKey else { break scanning }
                request.exclusiveStartKey = next
            }
            for await delivery in group {
                tally.add(delivery)
            }
            return (tally, scanFailure)
        }
    }

    /// Posts to one connection; deletes its item when it is gone.
    private func deliver(_ data: [UInt8], to connectionID: String, logger: Logger) async -> Delivery {
        var logger = logger
        logger[metadataKey: "thumb.websocket.connection"] = "\(connectionID)"
        do {
            try await gateway.postToConnection(connectionID: connectionID, data: data, logger: logger)
            return .sent
        } catch  where error.code == .gone {
            do {
                try await table.deleteItem(
                    tableName: configuration.tableName,
                    key: [configuration.connectionIDAttribute: .string(connectionID)],
                    logger: logger
                )
                logger.debug("websocket connection gone, pruned")
                return .pruned
            } catch {
                logger.warning(
                    "websocket connection gone, but its item could not be deleted",
                    metadata: ["thumb.error": "\(error)"])
                return .gone
            }
        } catch {
            logger.warning("websocket post failed", metadata: ["thumb.error": "\(error)"])
            return .failed(error)
        }
    }

    /// The error for a failed Scan: retryable when the failure may pass, permanent when the table or permission is wrong.
    private func scanError(_ error: AWSError) -> WorkerError {
        if Self.isTransient(error) {
            return WorkerError(
                .notificationFailed,
                "\(configuration) could not read the connections; the queue message will come back",
                retryable: true, cause: error
            )
        }
        return WorkerError(
            .notificationRejected,
            "\(configuration) could not read the connections; retrying will not help — check the table name, its "
                + "region, and that the worker's credentials may dynamodb:Scan and dynamodb:DeleteItem on it",
            retryable: false, cause: error
        )
    }

    /// Whether a failed call may succeed later: the client's own verdict, or a cancellation (shutdown), which refused
    /// nothing.
    private static func isTransient(_ error: AWSError) -> Bool {
        error.isRetryable || error.code == .cancelled
    }
}
