import AdminTokens
import FeatureFlags
import Foundation
import Tenantry

/// How admin tokens are printed for scripts: never the token, only what identifies it.
enum AdminTokenOutput {
    static func json(_ token: AdminTokenRecord) -> [String: JSONValue] {
        [
            "id": .string(token.id.uuidString.lowercased()),
            "prefix": .string(token.prefix),
            "label": token.label.map(JSONValue.string) ?? .null,
            "state": .string(token.isRevoked ? "revoked" : "active"),
            "issuedAt": .string(token.issuedAt.formatted(.iso8601)),
            "issuedBy": token.issuedBy.map(JSONValue.string) ?? .null,
            "revokedAt": token.revokedAt.map { .string($0.formatted(.iso8601)) } ?? .null,
            "revokedBy": token.revokedBy.map(JSONValue.string) ?? .null,
        ]
    }
}
