/// The body of `POST /v1/tenant/api-keys`: `{"label": "ci"}`; the label is optional, and so is
/// the body itself.
struct CreateAPIKeyRequest: Decodable, Sendable {
    var label: String?
}
