import ArgumentParser
import FeatureFlags
import Tenancy
import TenantryServer

/// `tenantry tenant purge <slug> --reason R`: deletes the copy a moved or offboarded tenant left
/// behind: in its old cell after a move between cells, else in the shared database.
struct TenantPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete the copy a moved or offboarded tenant left in a shared database.",
        discussion: """
            For a tenant whose last move between cells (tenant move --to-cell) left its old copy \
            in the cell it left (kept with --keep-source, or not purged for lack of the owner's \
            login): that copy, if it still matches the one verified at the move (recorded as \
            TenantCellCopyPurged). Otherwise, for a tenant whose pooled copy was retired with a \
            verified count and checksum (moved to a database of its own by `instance deploy`, or \
            offboarded with an export): its rows in the shared database, while they still match \
            them (recorded as TenantPooledEventsPurged). Running it again deletes nothing. Runs \
            as the schema owner (the administrator login).
            Examples:
              tenantry tenant purge acme-corp --reason "moved to its own database"
              tenantry tenant purge acme-corp --reason "old copy checked after the move to cell b"
            """
    )

    @OptionGroup var tenant: TenantSelection
    @OptionGroup var reason: ReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (slug, reason) = (tenant.slug, reason.reason)
        // A copy a cell move left comes first: a pooled tenant has no other copy to purge.
        let (cellCopy, pooledCopy) = try await connection.withRuntime { runtime -> ((cell: CellName, receipt: TenantFence.Receipt)?, PooledCopyPurge.Receipt?) in
            if let left = try await runtime.tenants.purgeLeftCellCopy(slug, actor: Operator.actor, reason: reason) {
                return (left, nil)
            }
            return (nil, try await runtime.tenants.purgePooledCopy(slug, actor: Operator.actor, reason: reason))
        }
        if let (cell, receipt) = cellCopy {
            StandardOutput.line(output.json ? JSONWriter.compact(receipt.adminJSON(cell: cell)) : "\(slug): cell \(cell)'s copy: \(receipt)")
        } else if let receipt = pooledCopy {
            StandardOutput.line(output.json ? JSONWriter.compact(PooledCopyPurgeOutput.json(receipt)) : "\(slug): \(receipt)")
        }
    }
}
