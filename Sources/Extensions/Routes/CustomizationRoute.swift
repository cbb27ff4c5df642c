public import Foundation

/// An HTTP route a customization adds under `/x/<customization-id>/`.
public struct CustomizationRoute: Sendable {
    /// Upper-case HTTP method, e.g. "GET".
    public let method: String
    /// Below the customization's prefix, without a leading slash: `policy` serves
    /// `/x/<id>/policy`.
    public let path: String
    /// Whether a caller must present the instance tenant's API key (the default), or the route
    /// is public (e.g. a health probe of the client's own).
    public let requiresTenantKey: Bool
    public let budget: Duration
    public let handler: @Sendable (CustomizationRequest) async throws -> CustomizationResponse

    public init(
        method: String, path: String, requiresTenantKey: Bool, budget: Duration,
        handler: @escaping @Sendable (CustomizationRequest) async throws -> CustomizationResponse
    ) {
        self.method = method.uppercased()
        self.path = path.hasPrefix("/") ? String(path.dropFirst()) : path
        self.requiresTenantKey = requiresTenantKey
        self.budget = budget
        self.handler = handler
    }
}

/// What a customization route sees of a request: no server framework types, so a customization
/// is written and tested without one.
public struct CustomizationRequest: Sendable {
    public let method: String
    /// Below the customization's prefix, without a leading slash.
    public let path: String
    public let query: [String: String]
    /// Header names lowercased.
    public let headers: [String: String]
    public let body: [UInt8]
    /// The authenticated tenant, for routes that require its key.
    public let tenantID: UUID?

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [], tenantID: UUID? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.tenantID = tenantID
    }
}

/// A customization route's answer.
public struct CustomizationResponse: Sendable, Equatable {
    public let status: Int
    public let contentType: String
    public let body: [UInt8]

    public init(status: Int = 200, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// `value` as JSON (keys sorted), with `status`.
    public static func json(_ value: some Encodable, status: Int = 200) throws -> CustomizationResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return CustomizationResponse(status: status, contentType: "application/json", body: Array(try encoder.encode(value)))
    }

    public static func text(_ text: String, status: Int = 200) -> CustomizationResponse {
        CustomizationResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}
