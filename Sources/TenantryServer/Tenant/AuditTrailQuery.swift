import Hummingbird

/// The query of `GET /v1/tenant/events`: `after` (the last version already seen, default 0)
/// and `limit` (1 to 500, default 100). Anything else is a 400 naming the parameter.
struct AuditTrailQuery: Sendable {
    static let defaultLimit = 100
    static let maximumLimit = 500

    let after: Int64
    let limit: Int

    init(_ request: Request) throws {
        let parameters = request.uri.queryParameters
        if let text = parameters["after"] {
            guard let value = Int64(String(text)), value >= 0 else {
                throw ProblemDetails.invalidRequest("\"after\" must be a version: an integer of 0 or more", field: "after")
            }
            after = value
        } else {
            after = 0
        }
        if let text = parameters["limit"] {
            guard let value = Int(String(text)), (1...Self.maximumLimit).contains(value) else {
                throw ProblemDetails.invalidRequest("\"limit\" must be an integer from 1 to \(Self.maximumLimit)", field: "limit")
            }
            limit = value
        } else {
            limit = Self.defaultLimit
        }
    }
}
