import AWSClients
package import AppCore
package import Logging
package import WorkerCore

extension AWSConnection {
    /// The app's catalog in the DynamoDB tables of groups and images.
    package func appCatalog(groupsTable: String, imagesTable: String, logger: Logger) throws(ConfigurationError)
        -> any Catalog
    {
        DynamoDBCatalog(
            client: DynamoDBClient(client: client, endpoint: try endpoint(.dynamoDB)), groupsTable: groupsTable,
            imagesTable: imagesTable, logger: logger)
    }

    /// The app's upload and thumbnail links: presigned S3 PUTs valid for `validity`.
    package func objectLinks(validity: Duration) throws(ConfigurationError) -> any ObjectLinks {
        S3ObjectLinks(s3: try s3(), validity: validity)
    }
}
