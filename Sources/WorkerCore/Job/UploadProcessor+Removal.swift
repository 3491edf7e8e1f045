package import Logging

extension UploadProcessor {
    /// Deletes the thumbnails of a removed original (`destination.delete_on_remove`), but only once a HEAD finds the
    /// original gone, and only those made from the removed object or an older one (by the events' `sequencer`).
    /// An original that still exists (an older version was removed) or exists again (a re-upload raced the removal,
    /// seen by a second HEAD after the deletion) is brought up to date instead, so its thumbnails stay. Never throws:
    /// every failure becomes an outcome.
    package func remove(
        _ removal: ObjectRemovedEvent, in store: any ObjectStore, attempt: Int, logger: Logger
    ) async -> JobOutcome {
        var source = ThumbnailEvent.Source(bucket: removal.bucket, key: removal.key)
        if let reason = notAnOriginal(bucket: removal.bucket, key: removal.key) {
            return .skipped(reason)
        }
        do throws(WorkerError) {
            if let present = try await store.head(bucket: removal.bucket, key: removal.key) {
                return await refresh(
                    removal, present: present, in: store, attempt: attempt, logger: logger,
                    reason: "the original still exists (an older version was removed, or it was uploaded again)")
            }
            var deleted: [ThumbnailEvent.Rendition] = []
            var kept: [String] = []
            for thumbnail in try await pipeline.storedThumbnails(
                of: removal.key, from: removal.bucket, in: destination)
            {
                let made = thumbnail.recorded.version
                if let removed = removal.sequencer, let created = made.sequencer,
                    Sequencer.isLater(created, than: removed)
                {
                    kept.append(thumbnail.key)
                    continue
                }
                try await destination.store.delete(bucket: destination.bucket, key: thumbnail.key)
                deleted.append(thumbnail.described(in: destination.bucket))
                source.eTag = source.eTag ?? made.eTag
            }
            if let present = try await store.head(bucket: removal.bucket, key: removal.key) {
                logger.info("the original was uploaded again while its thumbnails were deleted; rendering it")
                return await refresh(
                    removal, present: present, in: store, attempt: attempt, logger: logger,
                    reason: "the original was uploaded again")
            }
            if deleted.isEmpty && !kept.isEmpty {
                return .skipped("its thumbnails \(kept) were made from a later upload than the one removed")
            }
            logger.info("thumbnails deleted", metadata: ["thumb.renditions": "\(deleted.map(\.key))"])
            var event = baseEvent(type: ThumbnailEvent.deletedType, source: source)
            event.renditions = deleted
            event.id = deduplicationID(of: event)
            return .deleted(event)
        } catch {
            let event = failedEvent(source: source, error: error, attempt: attempt)
            return error.isRetryable ? .retry(event) : .failed(event)
        }
    }

    /// Makes the thumbnails of the original that exists after `removal` current, through the upload path: nothing is
    /// rendered when they already are (a skip, for `reason`).
    private func refresh(
        _ removal: ObjectRemovedEvent, present: StoredObject, in store: any ObjectStore, attempt: Int, logger: Logger,
        reason: String
    ) async -> JobOutcome {
        let upload = ObjectCreatedEvent(
            bucket: removal.bucket, key: removal.key, size: present.size, eTag: present.eTag,
            versionID: present.versionID, sequencer: nil, eventName: removal.eventName, eventTime: nil,
            region: nil)
        let outcome = await process(upload, in: store, attempt: attempt, logger: logger)
        if case .ready(let event) = outcome, event.timings == nil {
            return .skipped("\(reason); its thumbnails are current")
        }
        return outcome
    }
}
