import FeatureFlags
import Foundation
import Provisioning

/// How tenants are printed, for people and for scripts.
enum TenantOutput {
    static func json(_ state: TenantState, apiKey: String? = nil) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "id": .string(state.id.uuidString.lowercased()),
            "slug": .string(state.slug),
            "name": .string(state.name),
            "email": .string(state.email),
            "state": .string(state.status.rawValue),
            "plan": .string(state.plan.rawValue),
            "isolation": .string(state.isolation.rawValue),
            "cell": state.cell.map(JSONValue.string) ?? .null,
            "unpurgedCellCopy": state.unpurgedCellCopy.map(JSONValue.string) ?? .null,
            "trialEndsAt": state.trialEndsAt.map { .string($0.formatted(.iso8601)) } ?? .null,
            "failureReason": state.failureReason.map(JSONValue.string) ?? .null,
            "compensationsOwed": .array(state.compensationsOwed.map(\.rawValue).sorted().map(JSONValue.string)),
            "createdAt": .string(state.createdAt.formatted(.iso8601)),
        ]
        fields["attributes"] = .object(state.attributes.mapValues { value in
            switch value {
            case .string(let text): .string(text)
            case .number(let number): number.rounded() == number && abs(number) < 1e15 ? .integer(Int64(number)) : .double(number)
            case .bool(let flag): .bool(flag)
            }
        })
        if let apiKey { fields["apiKey"] = .string(apiKey) }
        return fields
    }

    /// What `tenant create` and `tenant retry` print: the tenant, then its first API key (shown
    /// this once) when provisioning issued one.
    static func printProvisioned(_ state: TenantState, apiKey: String?, json: Bool) {
        if json {
            StandardOutput.line(JSONWriter.compact(.object(Self.json(state, apiKey: apiKey))))
        } else {
            lines(state).forEach { StandardOutput.line($0) }
            if let apiKey {
                StandardOutput.line("")
                StandardOutput.line("API key (shown this once; store it now):")
                StandardOutput.line("  \(apiKey)")
            }
        }
    }

    /// One line after a lifecycle command: the tenant, its state and plan.
    static func printTransition(_ state: TenantState, json: Bool) {
        if json {
            StandardOutput.line(JSONWriter.compact(.object(Self.json(state))))
        } else {
            StandardOutput.line("\(state.slug): \(state.status), plan \(state.plan)")
        }
    }

    static func lines(_ state: TenantState) -> [String] {
        var lines = [
            "id:         \(state.id.uuidString.lowercased())",
            "slug:       \(state.slug)",
            "name:       \(state.name)",
            "email:      \(state.email)",
            "state:      \(state.status)",
            "plan:       \(state.plan)",
            "isolation:  \(state.isolation.rawValue)",
            "created:    \(state.createdAt.formatted(.iso8601))",
        ]
        if let cell = state.cell { lines.insert("cell:       \(cell)", at: 7) }
        if let copy = state.unpurgedCellCopy {
            lines.append("old copy:   in cell \(copy), fenced, not purged yet (tenant purge \(state.slug) deletes it)")
        }
        if let trialEndsAt = state.trialEndsAt { lines.append("trial ends: \(trialEndsAt.formatted(.iso8601))") }
        if let reason = state.failureReason { lines.append("failure:    \(reason)") }
        if !state.compensationsOwed.isEmpty {
            lines.append("owed:       compensation of \(state.compensationsOwed.map(\.rawValue).sorted().joined(separator: ", ")) (the provisioning runner retries it)")
        }
        if !state.attributes.isEmpty {
            lines.append("attributes: " + state.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        lines.append("api keys:   \(state.apiKeys.values.map(\.prefix).sorted().joined(separator: ", ").ifEmpty("none"))…")
        return lines
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
