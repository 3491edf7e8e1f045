import Imaging

/// What a configured rendition's output of one original is, found before anything is downloaded or rendered.
package enum OutputState: Sendable {
    /// It exists and was made from this version of the original with today's spec.
    case current(ThumbnailEvent.Rendition)
    /// No object has its key.
    case missing
    /// The object exists but was made from another version of the original or with another spec; the reason says which.
    case outdated(String)
    /// Its key depends on the rendered size or the format chosen per image, so only rendering can tell.
    case unknowable

    /// The rendition described, when the output is current.
    package var current: ThumbnailEvent.Rendition? {
        if case .current(let rendition) = self { rendition } else { nil }
    }
}

extension ThumbnailPipeline {
    /// The state of each configured rendition's output of `sourceKey` made from `version`, in configuration order:
    /// one HEAD per rendition whose key is known before rendering.
    package func outputStates(
        of sourceKey: String, version: SourceVersion, in destination: OutputLocation
    ) async throws(WorkerError) -> [OutputState] {
        var states: [OutputState] = []
        for rendition in settings.renditions {
            guard let format = rendition.format.fixedFormat, !settings.keyTemplate.dependsOnOutputSize else {
                states.append(.unknowable)
                continue
            }
            let key = outputKey(
                of: sourceKey, rendition: rendition.name, width: 0, height: 0, format: format, in: destination)
            guard let object = try await destination.store.head(bucket: destination.bucket, key: key) else {
                states.append(.missing)
                continue
            }
            let recorded = RecordedThumbnail(metadata: object.metadata)
            if let problem = staleness(of: recorded, rendition: rendition.name, version: version) {
                states.append(.outdated(problem))
            } else if let size = recorded.size {
                states.append(
                    .current(
                        ThumbnailEvent.Rendition(
                            name: rendition.name, bucket: destination.bucket, key: key, url: nil, format: format,
                            width: size.width, height: size.height, bytes: object.size, eTag: object.eTag)))
            } else {
                states.append(.outdated("it records no size"))
            }
        }
        return states
    }

    /// Why an output recorded as `recorded` is not the current `rendition` of `version`; nil when it is.
    private func staleness(of recorded: RecordedThumbnail, rendition: String, version: SourceVersion) -> String? {
        guard let eTag = version.eTag else { return "the original's entity tag is unknown" }
        guard recorded.version.eTag == eTag else {
            return "made from entity tag \(recorded.version.eTag ?? "none"), the original's is \(eTag)"
        }
        guard recorded.spec == fingerprints[rendition] else {
            return "made with spec \(recorded.spec ?? "none"), today's is \(fingerprints[rendition] ?? "none")"
        }
        if let sequencer = version.sequencer, let made = recorded.version.sequencer,
            Sequencer.isLater(sequencer, than: made)
        {
            return "made for an earlier upload event (sequencer \(made) before \(sequencer))"
        }
        return nil
    }
}
