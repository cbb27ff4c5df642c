public import Provisioning

/// What a self-serve signup asks for: an email and an organisation name, as a client sent them
/// (the JSON body of `POST /v1/signup`, or the page's form). Other members are ignored.
public struct SignupForm: Sendable, Hashable, Decodable {
    public var email: String
    public var organization: String

    public init(email: String, organization: String) {
        self.email = email
        self.organization = organization
    }

    /// The registry's request for this form (a trial, pooled), validated by the registry's own
    /// rules; what they refuse is a 400 naming the field, and nothing reaches the database.
    public func signupRequest(idempotencyKey: IdempotencyKey?) throws(ProblemDetails) -> SignupRequest {
        var request = SignupRequest(email: email, organization: organization, idempotencyKey: idempotencyKey?.registryKey)
        request.slugStyle = .unguessable
        do {
            try request.validate()
        } catch {
            throw ProblemDetails.invalidRequest(error.description, field: invalidField(of: request))
        }
        return request
    }

    /// Which field `validate()` refused. It says so in words only; rather than parse them, each
    /// field is checked again beside a value known to be good for the other.
    private func invalidField(of request: SignupRequest) -> String {
        Self.isValid(SignupRequest(email: request.email, organization: "Example")) ? "organization" : "email"
    }

    private static func isValid(_ request: SignupRequest) -> Bool {
        do {
            try request.validate()
            return true
        } catch {
            return false
        }
    }
}
