package import Imaging

/// What the thumbnail pipeline needs from the configuration: renditions, image settings, naming and its resources.
package struct PipelineSettings: Sendable {
    /// The renditions made from every upload, validated when the configuration was read.
    package var renditions: [RenditionSpec]
    /// Limits, qualities, background and placeholder switch.
    package var imaging: ImagingSettings
    /// How output keys are named.
    package var keyTemplate: KeyTemplate
    /// The `Cache-Control` header written on every rendition; nil writes none.
    package var cacheControl: String?
    /// Images decoded at once: the imaging pool's threads.
    package var concurrency: Int
    /// The memory, in bytes, that decodes in flight may take together by their header estimate; 0 turns it off.
    package var memoryBudgetBytes: Int

    /// Settings from their parts.
    package init(
        renditions: [RenditionSpec], imaging: ImagingSettings, keyTemplate: KeyTemplate, cacheControl: String?,
        concurrency: Int, memoryBudgetBytes: Int
    ) {
        self.renditions = renditions
        self.imaging = imaging
        self.keyTemplate = keyTemplate
        self.cacheControl = cacheControl
        self.concurrency = concurrency
        self.memoryBudgetBytes = memoryBudgetBytes
    }
}

extension WorkerConfiguration {
    /// The part of the configuration the pipeline reads.
    package var pipelineSettings: PipelineSettings {
        PipelineSettings(
            renditions: renditions, imaging: imaging, keyTemplate: keyTemplate, cacheControl: cacheControl,
            concurrency: effectiveConcurrency, memoryBudgetBytes: memoryBudgetBytes)
    }
}
