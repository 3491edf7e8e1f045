import AWSClients
package import AppCore
package import Logging
package import WorkerCore

extension AWSConnection {
    /// The app's upload and thumbnail links: presigned S3 PUTs valid for `validity`.
    package func objectLinks(validity: Duration) throws(ConfigurationError) -> any ObjectLinks {
        S3ObjectLinks(s3: try s3(), validity: validity)
    }
}

// TEMPORARY until the DynamoDB catalog lands.
extension AWSConnection {
    package func appCatalog(groupsTable: String, imagesTable: String, logger: Logging.Logger) throws(ConfigurationError)
        -> any Catalog
    {
        throw ConfigurationError(problems: ["not yet"], source: "serve")
    }
}
