/// What the feed-tip watcher probes (`tenantry.feed_tip`): the last position drawn and, while a
/// subscription waits for events held back, the oldest transaction running in the database.
/// When it differs from the previous probe, the feed may have moved on.
struct FeedTip: Equatable, Sendable {
    var lastPosition: Int64
    /// The 32-bit id of the oldest writing transaction of this database; nil when none runs or
    /// when no one asked (writers are only watched while events are held back).
    var oldestWriter: Int64?
}
