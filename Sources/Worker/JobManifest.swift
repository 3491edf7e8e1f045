package import Imaging

/// What one input became: its header facts, every output, the placeholder and the time per stage.
package struct JobManifest: Sendable, Codable {
    /// One written rendition.
    package struct Output: Sendable, Codable {
        /// The rendition name.
        package var name: String
        /// Where it was written: a file path or an object key.
        package var path: String
        /// The output format.
        package var format: ImageFormat
        /// The media type written with it.
        package var contentType: String
        /// Output width in pixels.
        package var width: Int
        /// Output height in pixels.
        package var height: Int
        /// Encoded size.
        package var bytes: Int
    }

    /// A failure, in words a person can act on: the same description a `thumbnails.failed` event carries.
    package typealias Failure = ThumbnailEvent.Failure

    /// The input as given (a path, later also `s3://bucket/key`).
    package var input: String
    /// Facts from the input's header; nil when it could not be read.
    package var source: SourceInfo?
    /// The written renditions.
    package var renditions: [Output] = []
    /// The placeholder, when enabled.
    package var placeholder: Placeholder?
    /// Seconds per stage.
    package var timings: StageTimings?
    /// Why the input failed; nil on success.
    package var error: Failure?

    /// A manifest for an input that has not been processed yet.
    package init(input: String) {
        self.input = input
    }
}

