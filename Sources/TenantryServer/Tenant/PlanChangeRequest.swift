/// The body of `POST /v1/tenant/plan`: `{"plan": "pro"}`.
struct PlanChangeRequest: Decodable, Sendable {
    var plan: String
}
