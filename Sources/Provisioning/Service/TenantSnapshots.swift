import EventStore
import Foundation

/// The snapshots of the fold of a `tenant-<id>` stream, so neither a command nor the registry
/// reads a tenant's whole stream again (decision 13 in `Docs/decisions.md`).
///
/// A snapshot's type names what it holds: the fold's revision and the stored properties of
/// `TenantState` (names and types). A snapshot of another type is never read, so a release that
/// changes the state's shape or the fold starts from the first event once and snapshots again.
enum TenantSnapshots {
    /// Bump when `TenantState.apply` changes what an event does to the state.
    static let foldRevision = 1

    /// A load writes a new snapshot once it folded this many events past the one it started
    /// from, so a load reads at most this many events plus those appended since.
    static let interval: Int64 = 100

    /// Events read per round trip while folding.
    static let pageSize = 1000

    /// The tenant aggregate's snapshots (written by `TenantService` after a load).
    static let aggregateType = "tenant-state/\(foldRevision)/\(shape)"

    /// The registry's own snapshots (written by `TenantsProjection` in its batch's transaction,
    /// so they never run ahead of its checkpoint).
    static let registryType = "tenant-registry/\(foldRevision)/\(shape)"

    /// A stable fingerprint (FNV-1a, hex) of `TenantState`'s stored properties and their types.
    static let shape: String = {
        let sample = TenantState(
            registered: .init(tenantId: UUID(), name: "", slug: "", email: "", plan: .free, isolation: .pooled, clusterURL: nil, cell: nil),
            at: Date(timeIntervalSince1970: 0), version: 1
        )
        let description = Mirror(reflecting: sample).children
            .map { "\($0.label ?? "_"):\(String(describing: type(of: $0.value)))" }
            .joined(separator: ",")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in description.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }()

    /// The state a snapshot holds, or nil when there is none or it cannot be read (then the
    /// caller folds from the first event, which is always right, only slower).
    static func state(of snapshot: Snapshot?) -> TenantState? {
        guard let snapshot else { return nil }
        guard let state = try? JSONDecoder().decode(TenantState.self, from: Data(snapshot.stateJSON.utf8)),
              state.version == snapshot.version
        else { return nil }
        return state
    }
}
