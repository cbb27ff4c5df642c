/// What the feed-tip watcher probes (`tenantry.feed_tip`): the last position drawn and, while
/// positions move or writers run, the oldest transaction running in the database.
/// When it differs from the previous probe, the feed may have moved on.
struct FeedTip: Equatable, Sendable {
    var lastPosition: Int64
    /// The 32-bit id of the oldest writing transaction of this database; nil when none runs or
    /// when the probe did not look (no new position, no writer running at the previous probe).
    var oldestWriter: Int64?
}
