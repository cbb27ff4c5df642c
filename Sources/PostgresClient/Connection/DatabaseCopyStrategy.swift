/// How `CREATE DATABASE … TEMPLATE` copies its template (PostgreSQL 15's `STRATEGY`).
public enum DatabaseCopyStrategy: Sendable, Hashable {
    /// Copies block by block through the WAL: no checkpoint, cost in proportion to the
    /// template's size (PostgreSQL 15's default). Fast for a small template.
    case walLog
    /// Copies the files after a checkpoint before and after: cost in proportion to the whole
    /// cluster's dirty buffers, not the template's size.
    case fileCopy
}
