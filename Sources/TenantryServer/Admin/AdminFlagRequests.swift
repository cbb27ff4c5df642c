import FeatureFlags
import Tenantry

/// The bodies the admin flag routes read. Every change may carry a `reason`, recorded with the
/// admin as actor in its events' metadata.
enum AdminFlagRequests {
    /// `POST /v1/admin/flags`: a new flag. `type` defaults to boolean; a boolean flag without
    /// `variants` gets `off` = false and `on` = true (default `off`). With several variants the
    /// default must be named (a JSON object has no order to take the first from).
    struct Define: Decodable {
        var key: String
        var type: String?
        var variants: [String: JSONValue]?
        var defaultVariant: String?
        var description: String?
        var enabled: Bool?
        var metadata: [String: JSONValue]?
        var reason: String?
    }

    /// Routes whose body only says why (enable, disable, archive, removals).
    struct Reason: Decodable {
        var reason: String?
    }

    /// A variant's share of a split rollout, in percent.
    struct Split: Decodable {
        var variant: String
        var percent: Int
    }

    /// `PUT …/rollout`: `{"percent", "variant"?, "bucketBy"?}` or `{"splits": [{"variant",
    /// "percent"}], "bucketBy"?}`.
    struct Rollout: Decodable {
        var percent: Int?
        var variant: String?
        var splits: [Split]?
        var bucketBy: String?
        var reason: String?
    }

    /// A rule's condition: its JSON form, or the CLI's text form (`"tenant.plan eq pro"`).
    enum ConditionInput: Decodable {
        case json(Condition)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .json(try container.decode(Condition.self))
            }
        }
    }

    /// `POST …/rules`: `{"name"?, "variant", "condition", "position"?}` (position 1 = first).
    struct Rule: Decodable {
        var name: String?
        var variant: String
        var condition: ConditionInput
        var position: Int?
        var reason: String?
    }

    /// `PUT …/overrides/{tenant}`, `PUT …/entitlements/{plan}`.
    struct Variant: Decodable {
        var variant: String
        var reason: String?
    }

    /// `PUT …/prerequisites`: the whole list (empty removes them all).
    struct Prerequisites: Decodable {
        var prerequisites: [Prerequisite]
        var reason: String?
    }

    /// `POST …/schedule`: `{"at", "action": "enable"|"disable"|"rollout"|"remove-rollout"}`,
    /// a rollout with `percent` (+ `variant`, `bucketBy`) or `splits`.
    struct Schedule: Decodable {
        var at: String
        var action: String
        var percent: Int?
        var variant: String?
        var splits: [Split]?
        var bucketBy: String?
        var reason: String?
    }

    /// `POST …/evaluate`: the tenant (slug or id) and the caller's context (`targetingKey`
    /// and attributes, as OFREP's `context`).
    struct Evaluate: Decodable {
        var tenant: String
        var context: [String: JSONValue]?
    }
}

extension AdminFlagRequests.Split {
    var percentSplit: FlagAdministration.PercentSplit { .init(variant: variant, percent: percent) }
}
