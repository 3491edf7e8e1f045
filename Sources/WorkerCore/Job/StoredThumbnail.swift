package import Imaging

/// A thumbnail of one original found in the destination, with what its metadata records.
package struct StoredThumbnail: Sendable {
    /// The configured rendition it is an output of.
    package var rendition: RenditionSpec
    /// Its key in the destination bucket.
    package var key: String
    /// Its size, entity tag and metadata.
    package var object: StoredObject

    /// What its metadata says of how it was made.
    package var recorded: RecordedThumbnail { RecordedThumbnail(metadata: object.metadata) }

    /// The thumbnail described as a notification lists it, in `bucket`: its format is the one recorded, else the
    /// configured one, else the one its key's extension names, else JPEG (an `auto` output from before formats were
    /// recorded, under a key without `{ext}`).
    package func described(in bucket: String) -> ThumbnailEvent.Rendition {
        let recorded = recorded
        let format =
            recorded.format ?? rendition.format.fixedFormat
            ?? ImageFormat.allCases.first { key.hasSuffix("." + $0.fileExtension) } ?? .jpeg
        return ThumbnailEvent.Rendition(
            name: rendition.name, bucket: bucket, key: key, url: nil, format: format,
            width: recorded.size?.width ?? 0, height: recorded.size?.height ?? 0, bytes: object.size,
            eTag: object.eTag)
    }
}

extension ThumbnailPipeline {
    /// Every thumbnail of the original `sourceKey` in `sourceBucket` the destination holds for a configured rendition:
    /// one HEAD for a rendition whose key is known before rendering; for the others, a listing of the keys that start
    /// as theirs would, keeping the objects whose metadata names this original and rendition.
    package func storedThumbnails(
        of sourceKey: String, from sourceBucket: String, in destination: OutputLocation
    ) async throws(WorkerError) -> [StoredThumbnail] {
        var found: [StoredThumbnail] = []
        for rendition in settings.renditions {
            if let format = rendition.format.fixedFormat, !settings.keyTemplate.dependsOnOutputSize {
                let key = outputKey(
                    of: sourceKey, rendition: rendition.name, width: 0, height: 0, format: format, in: destination)
                if let object = try await destination.store.head(bucket: destination.bucket, key: key) {
                    found.append(StoredThumbnail(rendition: rendition, key: key, object: object))
                }
                continue
            }
            let start =
                destination.prefix + settings.keyTemplate.sharedStart(sourceKey: sourceKey, rendition: rendition.name)
            var after: String?
            while true {
                let page = try await destination.store.list(
                    bucket: destination.bucket, prefix: start, after: after, limit: 1000)
                for listed in page.objects {
                    guard let object = try await destination.store.head(bucket: destination.bucket, key: listed.key)
                    else { continue }
                    let recorded = RecordedThumbnail(metadata: object.metadata)
                    if recorded.sourceBucket == sourceBucket && recorded.sourceKey == sourceKey
                        && recorded.rendition == rendition.name
                    {
                        found.append(StoredThumbnail(rendition: rendition, key: listed.key, object: object))
                    }
                }
                guard page.isTruncated, let last = page.objects.last?.key else { break }
                after = last
            }
        }
        return found
    }
}
