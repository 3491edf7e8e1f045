import AWSClients
import Foundation
package import Logging
package import WorkerCore

extension AWSConnection {
    /// The SQS queue at `url` as the core's queue port.
    package func messageQueue(url: String, logger: Logger) throws(ConfigurationError) -> any MessageQueue {
        SQSMessageQueue(client: SQSClient(client: client, endpoint: try endpoint(.sqs)), queueURL: url, logger: logger)
    }

    /// S3 as the core's object store port.
    package func objectStore(logger: Logger) throws(ConfigurationError) -> any ObjectStore {
        S3ObjectStore(client: try s3(), logger: logger)
    }

    /// A notifier that publishes every event to an SNS topic.
    package func snsNotifier(topicARN: String, logger: Logger) throws(ConfigurationError) -> any Notifier {
        SNSNotifier(topicARN: topicARN, client: SNSClient(client: client, endpoint: try endpoint(.sns)), logger: logger)
    }

    /// A notifier that broadcasts every event to the connections of an API Gateway websocket API, whose ids are in a
    /// DynamoDB table.
    package func websocketNotifier(
        connectionsTable: String, endpoint: String, logger: Logger
    ) throws(ConfigurationError) -> any Notifier {
        guard let url = URL(string: endpoint) else {
            throw ConfigurationError(problems: ["notifiers: '\(endpoint)' is not a URL"], source: "notifiers")
        }
        let management = APIGatewayManagementClient(
            client: client,
            endpoint: AWSEndpoint(service: .apiGatewayManagement, region: region, url: url, isCustom: true))
        return WebsocketBroadcastNotifier(
            configuration: .init(tableName: connectionsTable),
            table: DynamoDBClient(client: client, endpoint: try self.endpoint(.dynamoDB)), gateway: management,
            logger: logger)
    }

    /// The URL notifications give for a rendition: presigned for `presignSeconds` when that is above 0, else plain.
    package func renditionURL(presignSeconds: Int) throws(ConfigurationError)
        -> @Sendable (String, String) async -> String?
    {
        let s3 = try s3()
        return { bucket, key in
            if presignSeconds > 0 {
                return try? await s3.presignedGetURL(bucket: bucket, key: key, expires: .seconds(presignSeconds))
                    .absoluteString
            }
            return s3.objectURL(bucket: bucket, key: key).absoluteString
        }
    }
}
