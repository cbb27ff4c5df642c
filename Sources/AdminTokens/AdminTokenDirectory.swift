public import EventStore
public import Foundation

/// Every admin token, folded from the control plane's `admintoken` streams: what a server needs
/// to authenticate an admin request in memory, with no query per request.
///
/// Kept current by `AdminTokenDirectory.live(store:)` (a `LiveView`), so a token issued or
/// revoked in another process takes effect within milliseconds.
public struct AdminTokenDirectory: Sendable {
    /// Every token issued, by id, revoked ones included.
    public private(set) var tokens: [UUID: AdminTokenRecord] = [:]
    /// SHA-256 (hex) of each live (unrevoked) token → its id.
    private var liveByHash: [String: UUID] = [:]

    /// An empty directory, to fold the tokens' events into.
    public init() {}

    /// The live token `secret` is, or nil (unknown or revoked). The token is hashed first, so
    /// the lookup depends on its digest, not on how much of a real token a caller guessed; the
    /// final comparison is constant-time as well.
    public func authenticate(token secret: String) -> AdminTokenRecord? {
        let hash = AdminToken.hash(secret)
        guard let id = liveByHash[hash], let record = tokens[id], !record.isRevoked,
            ConstantTime.equals(record.sha256, hash)
        else { return nil }
        return record
    }

    /// Every token, newest first.
    public var all: [AdminTokenRecord] {
        tokens.values.sorted { ($0.issuedAt, $0.id.uuidString) > ($1.issuedAt, $1.id.uuidString) }
    }

    /// Folds a recorded event of an `admintoken-<id>` stream in; other events are ignored, and
    /// so is a tenant's own stream of that category (only the control plane issues tokens).
    public mutating func apply(_ recorded: RecordedEvent) throws {
        guard recorded.category == AdminTokenStreams.category, recorded.tenantID == EventLog.controlPlaneTenantID,
            let event = try AdminTokenEvent(recorded)
        else { return }
        let actor = recorded.metadata.actor
        switch event {
        case .issued(let issued):
            guard tokens[issued.tokenId] == nil else { return }
            tokens[issued.tokenId] = AdminTokenRecord(issued: issued, at: recorded.recordedAt, by: actor, version: recorded.version)
            liveByHash[issued.sha256] = issued.tokenId
        case .revoked(let revoked):
            guard var record = tokens[revoked.tokenId] else { return }
            record.revokedAt = record.revokedAt ?? recorded.recordedAt
            record.revokedBy = record.revokedBy ?? actor
            record.version = recorded.version
            tokens[revoked.tokenId] = record
            liveByHash[record.sha256] = nil
        }
    }

    /// A directory kept current from `store` (which must act as `tenantry_operator`).
    public static func live(store: EventLog) -> LiveView<AdminTokenDirectory> {
        LiveView(store: store, filter: EventFilter(categories: [AdminTokenStreams.category]), initial: AdminTokenDirectory()) { directory, event in
            try directory.apply(event)
        }
    }
}
