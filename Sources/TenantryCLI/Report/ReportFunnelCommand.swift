import ArgumentParser
import FeatureFlags
import Foundation
import Provisioning
import Tenantry

/// `tenantry report funnel`: signups → provisioned → activated → paid.
struct ReportFunnelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "Show the self-serve funnel: signups, provisioned, activated, paid, and the conversion between them.",
        discussion: """
            Computed from the event store alone (every tenant's control-plane events): signed up is \
            TenantRegistered, provisioned TenantProvisioned, activated the first successful flag \
            evaluation (TenantActivated), paid a tenant provisioned on or moved to a paid plan (pro, \
            enterprise). Each step counts the tenants that reached it and every step before it. \
            --since keeps the tenants registered since then.

            Examples:
              tenantry report funnel
              tenantry report funnel --since 7d
              tenantry report funnel --since 2026-01-01 --json
            """
    )

    @Option(help: ArgumentHelp(
        "Only tenants registered since then: an ISO 8601 date or time (2026-01-31, 2026-01-31T09:00:00Z) or an age (36h, 7d, 4w).",
        valueName: "when"
    ))
    var since: ReportSince?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let since = self.since?.date()
        let report = try await connection.withRuntime { runtime in
            try await runtime.funnelReport(since: since)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(Self.json(report))))
            return
        }
        if let since { StandardOutput.line("tenants registered since \(since.formatted(.iso8601))") }
        var table = TextTable("STEP", "TENANTS", "FROM PREVIOUS", "FROM SIGNUP")
        for step in report.steps {
            table.append([step.stage.rawValue, String(step.count), Self.percent(step.conversionFromPrevious), Self.percent(step.conversionFromStart)])
        }
        StandardOutput.line(table.rendered)
        StandardOutput.line("overall conversion (signed up → paid): \(Self.percent(report.overallConversion))")
    }

    /// `{"since", "steps": [{"step", "count", "conversionFromPrevious", "conversionFromStart"}], "overallConversion"}`;
    /// rates are fractions (0.25), null where undefined.
    static func json(_ report: FunnelReport) -> [String: JSONValue] {
        func rate(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
        return [
            "since": report.since.map { .string($0.formatted(.iso8601)) } ?? .null,
            "steps": .array(report.steps.map { step in
                .object([
                    "step": .string(step.stage.rawValue),
                    "count": .integer(Int64(step.count)),
                    "conversionFromPrevious": rate(step.conversionFromPrevious),
                    "conversionFromStart": rate(step.conversionFromStart),
                ])
            }),
            "overallConversion": rate(report.overallConversion),
        ]
    }

    /// `45.5%`, or `-` where a rate is undefined (nobody at the step before).
    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.1f%%", value * 100)
    }
}
