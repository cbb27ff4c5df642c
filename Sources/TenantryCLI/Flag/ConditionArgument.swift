import ArgumentParser
import FeatureFlags
import Tenantry

/// `--when 'ATTRIBUTE OPERATOR VALUE'`, e.g. `tenant.plan eq pro`, `country in de,at,ch`: read
/// by `ConditionText`, the same reader the admin API uses; a bad one is a usage error.
enum ConditionArgument {
    static func parse(_ text: String) throws -> Condition {
        do {
            return try ConditionText.parse(text)
        } catch {
            throw ValidationError("--when \(error.description)")
        }
    }
}
