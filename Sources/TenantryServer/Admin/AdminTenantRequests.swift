import Provisioning

/// The bodies the admin tenant routes read. Every change may carry a `reason`, recorded in its
/// events' metadata (required where the CLI requires `--reason`).
enum AdminTenantRequests {
    /// `POST /v1/admin/tenants`.
    struct Create: Decodable {
        var organization: String
        var email: String
        var plan: String?
        /// `pooled` or `dedicated`; absent: the plan's.
        var isolation: String?
        var clusterURL: String?
        /// For a pooled tenant: the cell to place it in (absent: the placement policy's choice).
        var cell: String?
        var idempotencyKey: String?
    }

    /// `POST …/suspend`, `…/resume`, `…/offboard`, `…/retry`: why.
    struct Reason: Decodable {
        var reason: String?
    }

    /// `POST …/forget`: why (required: it cannot be undone), and the data subject, if only
    /// one subject's data is to be forgotten.
    struct Forget: Decodable {
        var reason: String?
        var subject: String?
    }

    /// `POST …/plan`.
    struct PlanChange: Decodable {
        var plan: String
        var reason: String?
    }

    /// `POST …/attributes`: values are strings, numbers or booleans.
    struct Attributes: Decodable {
        var set: [String: TenantAttributeValue]?
        var remove: [String]?
        var reason: String?
    }
}
