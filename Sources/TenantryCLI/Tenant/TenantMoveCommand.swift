import ArgumentParser
import FeatureFlags
import Foundation
import Tenancy
import Tenantry
import TenantryServer

/// `tenantry tenant move <slug> --to-cell NAME --reason R`: a pooled tenant moved to another
/// cell while it keeps working.
struct TenantMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Move a pooled tenant to another cell while it keeps working; its old copy is verified, then purged.",
        discussion: """
            Copies the tenant's personal data keys and events (ids and versions kept, personal \
            fields sealed as stored) in rounds, fences its appends in the old cell (they are \
            refused for that moment, to be retried), copies the rest, checks every stream, \
            switches its placement (TenantMovedBetweenCells), verifies the copy by count and \
            checksum and purges the old one as the schema owner (the administrator login). \
            --keep-source keeps the old copy, fenced; tenant purge deletes it later. Running it \
            again after a stop resumes; for a tenant already in the cell it only finishes a \
            pending purge. Progress goes to stderr (not with --json).
            Examples:
              tenantry tenant move acme-corp --to-cell b --reason "rebalancing"
              tenantry tenant move acme-corp --to-cell main --reason "back" --keep-source --json
            """
    )

    @OptionGroup var tenant: TenantSelection
    @Option(help: ArgumentHelp("The cell to move it to.", valueName: "name"))
    var toCell: String
    @OptionGroup var reason: ReasonOption
    @ArgumentParser.Flag(help: "Keep the old copy (fenced, closed to appends) instead of purging it.")
    var keepSource = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let problem = CellName.problem(with: toCell) { throw ValidationError("--to-cell: \(problem)") }
    }

    func run() async throws {
        let (slug, target, reason, keeping, json) = (tenant.slug, try CellName(toCell), reason.reason, keepSource, output.json)
        let outcome = try await connection.withRuntime { runtime in
            try await runtime.tenants.move(slug, toCell: target, actor: Operator.actor, reason: reason, keepingSource: keeping) { step in
                if !json { FileHandle.standardError.write(Data("  \(step)\n".utf8)) }
            }
        }
        if json {
            var fields = outcome.adminFields
            fields["tenant"] = .string(slug)
            StandardOutput.line(JSONWriter.compact(.object(fields)))
            return
        }
        StandardOutput.line(outcome.moved
            ? "\(slug): moved from cell \(outcome.from) to cell \(outcome.to)"
            : "\(slug): lives in cell \(outcome.to) already")
        if outcome.moved {
            StandardOutput.line("  copied:   \(outcome.copiedEvents) events (\(outcome.rounds) round\(outcome.rounds == 1 ? "" : "s") before the fence, the rest under it)")
            StandardOutput.line("  fenced:   \(outcome.fencedMilliseconds) ms (appends refused, to be retried)")
        }
        switch outcome.purge {
        case .success(let receipt): StandardOutput.line("  old copy: \(receipt)")
        case .failure(let why): StandardOutput.line("  old copy: not purged: \(why)")
        }
    }
}
