public import EventStore
public import Foundation

/// Every tenant and its live API keys, folded from the control plane's `tenant` streams: what
/// a server needs to authenticate a request and describe its tenant, with no query per request.
///
/// Kept current by `TenantDirectory.live(store:)` (a `LiveView`), so a key issued, revoked or a
/// tenant suspended in another process takes effect within milliseconds.
public struct TenantDirectory: Sendable {
    /// An API key's owner.
    public struct KeyOwner: Sendable, Hashable {
        public let tenantID: UUID
        public let keyID: UUID
    }

    public private(set) var tenants: [UUID: TenantState] = [:]
    /// SHA-256 (hex) of each live key → its owner.
    private var keysByHash: [String: KeyOwner] = [:]

    public init() {}

    /// The tenant whose live key `secret` is, or nil. The key is hashed first, so lookup time
    /// depends on the hash, not on how much of a stored key the caller guessed; the final
    /// comparison is constant-time as well.
    public func authenticate(apiKey secret: String) -> (tenant: TenantState, keyID: UUID)? {
        let hash = APIKey.hash(secret)
        guard let owner = keysByHash[hash], let tenant = tenants[owner.tenantID],
            let issued = tenant.apiKeys[owner.keyID], Self.constantTimeEquals(issued.sha256, hash)
        else { return nil }
        return (tenant, owner.keyID)
    }

    /// The tenant with this id or slug.
    public func tenant(_ id: UUID) -> TenantState? { tenants[id] }

    public func tenant(slug: String) -> TenantState? { tenants.values.first { $0.slug == slug } }

    /// Folds a recorded event of a `tenant-<id>` stream in; other events are ignored.
    public mutating func apply(_ recorded: RecordedEvent) throws {
        guard recorded.category == "tenant", recorded.tenantID == ControlPlane.tenantID,
            let event = try TenantEvent(recorded)
        else { return }
        let streamID = UUID(uuidString: String(recorded.stream.dropFirst("tenant-".count)))
        // A state adopted from a write is already past this event.
        if let streamID, let existing = tenants[streamID], recorded.version <= existing.version { return }
        var tenant: TenantState
        if case .registered(let registered) = event {
            tenant = TenantState(registered: registered, at: recorded.recordedAt, version: recorded.version)
        } else if let streamID, let existing = tenants[streamID] {
            tenant = existing
            tenant.apply(event, at: recorded.recordedAt, version: recorded.version)
        } else {
            return
        }
        switch event {
        case .apiKeyIssued(let key):
            keysByHash[key.sha256] = KeyOwner(tenantID: tenant.id, keyID: key.keyId)
        case .apiKeyRevoked(let revoked):
            if let issued = tenants[tenant.id]?.apiKeys[revoked.keyId] { keysByHash[issued.sha256] = nil }
        default:
            break
        }
        tenants[tenant.id] = tenant
    }

    /// Takes `state` (folded from the store by whoever just wrote it) when it is newer than
    /// what the directory holds, so the writer's next request is served its own write before
    /// the feed delivers it. Events the feed later delivers up to its version are skipped.
    public mutating func adopt(_ state: TenantState) {
        if let existing = tenants[state.id], existing.version >= state.version { return }
        for issued in tenants[state.id]?.apiKeys.values.map(\.sha256) ?? [] { keysByHash[issued] = nil }
        for (keyID, issued) in state.apiKeys { keysByHash[issued.sha256] = KeyOwner(tenantID: state.id, keyID: keyID) }
        tenants[state.id] = state
    }

    /// A directory kept current from `store` (which must act as `tenantry_operator`).
    public static func live(store: EventLog) -> LiveView<TenantDirectory> {
        LiveView(store: store, filter: EventFilter(categories: ["tenant"]), initial: TenantDirectory()) { directory, event in
            try directory.apply(event)
        }
    }

    private static func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let leftBytes = Array(left.utf8)
        let rightBytes = Array(right.utf8)
        guard leftBytes.count == rightBytes.count else { return false }
        var difference: UInt8 = 0
        for index in leftBytes.indices { difference |= leftBytes[index] ^ rightBytes[index] }
        return difference == 0
    }
}
