import ArgumentParser
import FeatureFlags
import Foundation
import Tenantry

/// `tenantry flag stale`: flags that have done their job.
struct FlagStaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stale",
        abstract: "List flags untouched for --days that serve one variant to every tenant: keep that variant in code, then archive the flag.",
        discussion: """
            Every tenant that is not offboarded or failed is evaluated with its own attributes \
            (no caller context). A flag with a scheduled change is never stale.
            Example:
              tenantry flag stale --days 90
            """
    )

    @Option(help: ArgumentHelp("How many days a flag must have been untouched (default 30).", valueName: "n"))
    var days = 30
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard FlagAdministration.staleDays.contains(days) else { throw ValidationError("--days must be between 0 and 36500") }
    }

    func run() async throws {
        let days = self.days
        let stale = try await connection.withRuntime { runtime in
            try await runtime.flagAdministration.staleFlags(days: days)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(stale.map { flag in
                .object([
                    "key": .string(flag.key.rawValue), "variant": .string(flag.variant), "value": flag.value,
                    "lastChanged": .string(FlagOutput.timestamp(flag.lastChanged)), "tenants": .integer(Int64(flag.tenantCount)),
                ])
            })))
            return
        }
        guard !stale.isEmpty else {
            StandardOutput.line("no stale flags (untouched for \(days) days and serving one variant to every tenant)")
            return
        }
        var table = TextTable("KEY", "VARIANT", "VALUE", "LAST CHANGED", "TENANTS")
        for flag in stale {
            table.append([
                flag.key.rawValue, flag.variant, flag.value.compactJSON, FlagOutput.timestamp(flag.lastChanged), String(flag.tenantCount),
            ])
        }
        StandardOutput.line(table.rendered)
    }
}
