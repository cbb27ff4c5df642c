import FeatureFlags
import Tenantry

/// What `tenant import` and `tenant restore` print: the tenant the events went to, how many
/// were appended and skipped, and its first API key (shown this once) when the run created it.
enum TransferOutput {
    static func print(_ outcome: TenantAdministration.TransferOutcome, json: Bool) {
        if json {
            var object = TenantOutput.json(outcome.tenant, apiKey: outcome.apiKey?.secret)
            object["appended"] = .integer(Int64(outcome.appended))
            object["skipped"] = .integer(Int64(outcome.skipped))
            StandardOutput.line(JSONWriter.compact(.object(object)))
        } else {
            TenantOutput.lines(outcome.tenant).forEach { StandardOutput.line($0) }
            StandardOutput.line("events: \(outcome.appended) appended, \(outcome.skipped) already there")
            if let apiKey = outcome.apiKey {
                StandardOutput.line("")
                StandardOutput.line("API key (shown this once; store it now):")
                StandardOutput.line("  \(apiKey.secret)")
            }
        }
    }
}
