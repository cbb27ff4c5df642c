import FeatureFlags
import Tenancy
import Tenantry

/// A purge's outcome as the commands print it.
enum PooledCopyPurgeOutput {
    static func json(_ receipt: PooledCopyPurge.Receipt) -> JSONValue {
        .object([
            "events": .integer(receipt.events), "streams": .integer(receipt.streams),
            "snapshots": .integer(receipt.snapshots), "checksum": .string(receipt.checksum),
        ])
    }

    /// The members an offboarding's JSON gains: `purged`, or `purgeDeferred` with the reason.
    static func json(_ rows: TenantAdministration.PooledRows) -> [String: JSONValue] {
        switch rows {
        case .purged(let receipt): ["purged": json(receipt)]
        case .kept: [:]
        case .purgeDeferred(let reason): ["purgeDeferred": .string(reason)]
        }
    }

    /// The end of an offboarding's line.
    static func text(_ rows: TenantAdministration.PooledRows) -> String {
        switch rows {
        case .purged(let receipt): "; pooled copy: \(receipt)"
        case .kept: ""
        case .purgeDeferred(let reason): "; pooled copy not purged: \(reason)"
        }
    }
}
