/// What a backfill has done so far; the checkpoint keeps it, so a resumed run goes on counting.
package struct BackfillTally: Sendable, Codable, Hashable {
    /// Objects listed under the prefix.
    package var listed = 0
    /// Listed objects left out: outside `--since`/`--until`/`--match`, or thumbnails under the destination prefix.
    package var filteredOut = 0
    /// Originals whose every thumbnail is current: skipped without downloading.
    package var current = 0
    /// Originals whose S3 event was enqueued for the fleet (or, in a dry run, would be).
    package var enqueued = 0
    /// Originals rendered here (`--process`).
    package var rendered = 0
    /// Originals that could not be checked, enqueued or rendered; a plain re-run retries them.
    package var failed = 0
    /// Thumbnails of renditions no longer configured that were deleted (`--prune`; in a dry run, would be).
    package var pruned = 0
    /// The bytes of the originals enqueued or rendered.
    package var bytes = 0
    /// Listing pages whose work is done.
    package var pages = 0

    /// An empty tally.
    package init() {}

    /// Originals dealt with: current, enqueued, rendered or failed.
    package var handled: Int { current + enqueued + rendered + failed }
}
