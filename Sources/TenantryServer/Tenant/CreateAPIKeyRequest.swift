import Provisioning

/// The body of `POST /v1/tenant/api-keys`: `{"label": "ci", "scope": "manage"}`; both are
/// optional, and so is the body itself.
struct CreateAPIKeyRequest: Decodable, Sendable {
    var label: String?
    var scope: String?

    /// The scope asked for, `evaluate` when none was; 400 naming `scope` for another value.
    func validatedScope() throws -> APIKeyScope {
        guard let scope else { return .evaluate }
        guard let known = APIKeyScope(rawValue: scope) else {
            let choices = APIKeyScope.allCases.map(\.rawValue).joined(separator: " or ")
            throw ProblemDetails.invalidRequest("unknown scope \"\(scope.prefix(40))\": use \(choices)", field: "scope")
        }
        return known
    }
}
