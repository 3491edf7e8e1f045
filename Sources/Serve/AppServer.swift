package import AppCore
package import Foundation
package import Hummingbird
import HummingbirdWebSocket
package import Logging
package import WorkerCore

/// The whole of `thumbworker serve`'s HTTP side: the API, the websocket and the page on one router — with the local
/// backends also the local buckets, with a separate fleet also its webhook — and the notifier that brings the
/// worker's events to the catalog and the websocket.
package struct AppServer: Sendable {
    /// Where groups and images are kept.
    package var catalog: any Catalog
    /// The upload bucket.
    package var originals: OutputLocation
    /// The thumbnail bucket.
    package var thumbnails: OutputLocation
    /// Makes upload URLs and names thumbnails' URLs.
    package var links: any ObjectLinks
    /// The local buckets' routes; nil on AWS, where browsers PUT to S3.
    package var localBuckets: LocalBuckets?
    /// The secret a separate fleet's webhook deliveries are signed with; nil mounts no `/events`.
    package var webhookSecret: String?
    /// Who follows which group on the websocket.
    package var subscriptions: GroupSubscriptions
    /// The origins besides the server's own whose pages may call the API and connect.
    package var corsOrigins: Set<String>
    /// Who may write and follow groups.
    package var authentication: Authentication

    /// Creates the server's parts.
    package init(
        catalog: any Catalog, originals: OutputLocation, thumbnails: OutputLocation, links: any ObjectLinks,
        localBuckets: LocalBuckets?, webhookSecret: String? = nil, subscriptions: GroupSubscriptions,
        corsOrigins: Set<String>, authentication: Authentication
    ) {
        self.catalog = catalog
        self.originals = originals
        self.thumbnails = thumbnails
        self.links = links
        self.localBuckets = localBuckets
        self.webhookSecret = webhookSecret
        self.subscriptions = subscriptions
        self.corsOrigins = corsOrigins
        self.authentication = authentication
    }

    /// The worker's notifier for a server: each event about an image of `catalog` is applied to it and pushed to the
    /// websocket clients following its group. Made before the server, as the worker that serves its queue needs it.
    package static func notifier(
        catalog: any Catalog, uploadBucket: String, subscriptions: GroupSubscriptions, links: any ObjectLinks
    ) -> CatalogNotifier {
        CatalogNotifier(uploadBucket: uploadBucket, catalog: catalog) { event, image in
            await subscriptions.publish(
                .imageEvent(type: event.type, image: image.linked(by: links)), toGroup: image.groupId)
        }
    }

    /// The websocket endpoint.
    package var live: LiveSocket {
        LiveSocket(
            subscriptions: subscriptions, catalog: catalog, allowedOrigins: corsOrigins, authentication: authentication)
    }

    /// Every route: the API, the local buckets or the webhook when there are, `/live`'s refusals and the page.
    package func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: AppErrorMiddleware())
        router.add(middleware: CORSPolicy(origins: corsOrigins))
        AppAPI(
            catalog: catalog, originals: originals, thumbnails: thumbnails, links: links,
            authentication: authentication
        ).addRoutes(to: router)
        localBuckets?.addRoutes(to: router)
        if let webhookSecret {
            WebhookReceiver(
                secret: webhookSecret,
                notifier: Self.notifier(
                    catalog: catalog, uploadBucket: originals.bucket, subscriptions: subscriptions, links: links)
            ).addRoutes(to: router)
        }
        live.addRoutes(to: router)
        PageRoutes.add(to: router)
        return router
    }

    /// The HTTP server with websocket upgrades for `/live`, listening on `host:port`.
    package func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let live = live
        return Application(
            router: router(), server: .http1WebSocketUpgrade { request, _, _ in live.upgrade(request) },
            configuration: .init(address: .hostname(host, port: port)), logger: logger)
    }
}
