import Foundation
import LocalBackend
import Logging
import WorkerAWS
import WorkerCore

/// The inputs and output of `process`: local paths, or `s3://bucket/key` objects through one AWS connection.
struct ProcessLocations {
    /// Where each input is read.
    let sources: [ObjectLocation]
    /// Where renditions are written.
    let output: OutputLocation
    /// The AWS connection, when any location is on S3; shut it down when done.
    let connection: AWSConnection?

    /// Parses the command's arguments; S3 is set up only when an `s3://` location is given, and only once every
    /// argument is known to be usable (a connection made and then abandoned would leak its HTTP client).
    init(inputs: [String], output: String, aws: AWSSettings, environment: [String: String]) async throws {
        let inputLocations = try inputs.map { input in
            let location = try Self.s3Location(input)
            if let (_, key) = location, key.isEmpty {
                throw ProcessLocationError("\(input): give an object key after the bucket")
            }
            return (input, location)
        }
        let outputLocation = try Self.s3Location(output)
        var s3: (any ObjectStore)?
        var connection: AWSConnection?
        if outputLocation != nil || inputLocations.contains(where: { $0.1 != nil }) {
            var logger = Logger(label: "thumbworker")
            logger.logLevel = .warning
            let made = try AWSConnection(settings: aws, environment: environment, logger: logger)
            do {
                s3 = try made.objectStore(logger: logger)
            } catch {
                await made.shutdown()
                throw error
            }
            connection = made
        }
        let files = LocalFolderStore()
        sources = inputLocations.map { input, location in
            if let (bucket, key) = location, let s3 {
                return ObjectLocation(store: s3, bucket: bucket, key: key)
            }
            return ObjectLocation(
                store: files, bucket: (input as NSString).deletingLastPathComponent,
                key: URL(fileURLWithPath: input).lastPathComponent)
        }
        if let (bucket, prefix) = outputLocation, let s3 {
            self.output = OutputLocation(
                store: s3, bucket: bucket, prefix: prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/")
        } else {
            self.output = OutputLocation(store: files, bucket: output)
        }
        self.connection = connection
    }

    /// `(bucket, key)` of an `s3://bucket/key` location, nil for a local path.
    private static func s3Location(_ text: String) throws -> (String, String)? {
        guard text.hasPrefix("s3://") else { return nil }
        let rest = text.dropFirst("s3://".count)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { throw ProcessLocationError("\(text): write s3://bucket/key") }
        return (String(bucket), String(rest.dropFirst(bucket.count + 1)))
    }
}

/// A location argument that cannot be used.
struct ProcessLocationError: Error, CustomStringConvertible {
    /// What is wrong with it.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
