package import Hummingbird
import NIOCore

/// The app's page, built into the binary: `GET /` (the HTML), `/app.css` and `/app.js`.
package enum PageRoutes {
    /// The page's files: path, media type, bytes.
    private static let files: [(path: String, mediaType: String, bytes: [UInt8])] = [
        ("/", "text/html; charset=utf-8", PackageResources.index_html),
        ("/app.css", "text/css; charset=utf-8", PackageResources.app_css),
        ("/app.js", "text/javascript; charset=utf-8", PackageResources.app_js),
    ]

    /// Adds the page's routes to `router`; the files are sent with `no-cache`, so a new build is seen at once.
    package static func add<Context: RequestContext>(to router: Router<Context>) {
        for file in files {
            router.get(RouterPath(file.path)) { _, _ in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: file.mediaType, .cacheControl: "no-cache",
                        .init("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data: blob:; "
                            + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'",
                        .init("X-Content-Type-Options")!: "nosniff",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
        }
    }
}
