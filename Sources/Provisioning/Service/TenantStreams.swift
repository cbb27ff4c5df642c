import EventStore
import Foundation

/// The control-plane streams of the tenant registry.
enum TenantStreams {
    /// A tenant's lifecycle.
    static func tenant(_ id: UUID) -> StreamName {
        // A UUID's text is always a valid stream id.
        StreamName(unchecked: "tenant-" + id.uuidString.lowercased())
    }

    /// The claim on a slug: exists once a tenant took it.
    static func slug(_ slug: String) throws -> StreamName {
        try StreamName(category: "tenantslug", id: slug)
    }

    /// A signup's idempotency key: exists once a signup used it.
    static func signup(_ key: String) throws -> StreamName {
        try StreamName(category: "signup", id: key)
    }

    /// The tenant a slug or signup stream points at.
    struct Claim: Codable, Sendable {
        var tenantId: UUID
    }
}
