public import Foundation
public import PostgresClient

/// Admits self-serve signups under `policy`, counting in the control plane (migration 0202,
/// `tenantry.admit_signup`), so the limits hold across every server and a restart: one client
/// cannot take more than its share, however many servers answer it.
///
/// ```swift
/// switch try await admissions.admit(client) {
/// case .admitted(let id): … register; once its key is shown: try await admissions.claimed(id)
/// case .refused(let limit, let retryAfter): … 429
/// }
/// ```
public struct SignupAdmissions: Sendable {
    /// A pool acting as `tenantry_operator` on the control plane.
    public let pool: PostgresPool
    public let policy: SignupAdmissionPolicy

    public init(pool: PostgresPool, policy: SignupAdmissionPolicy = .standard) {
        self.pool = pool
        self.policy = policy
    }

    /// Counts a new signup of `client`, or says which limit refuses it.
    public func admit(_ client: SignupClient) async throws -> SignupAdmission {
        let id = UUID()
        let window = "\(policy.window.components.seconds) seconds"
        let result = try await pool.query("""
            SELECT admitted, refused_by, retry_after_seconds
            FROM tenantry.admit_signup(\(id), \(client.digest), \(window)::interval, \(policy.perWindow), \(policy.unclaimed))
            """)
        guard let row = result.rows.first else { throw PostgresError(kind: .decoding, message: "tenantry.admit_signup returned no row") }
        let (admitted, refusedBy, retryAfter) = try row.decode((Bool, String?, Int).self)
        if admitted { return .admitted(id: id) }
        let limit = refusedBy.flatMap(SignupAdmission.Limit.init(rawValue:)) ?? .perWindow
        return .refused(limit: limit, retryAfterSeconds: retryAfter)
    }

    /// The admitted signup registered nothing (refused, failed, or a duplicate of one already
    /// under way): it stops counting against its client.
    public func release(_ id: UUID) async throws {
        try await pool.query("DELETE FROM tenantry.signup_admissions WHERE admission_id = \(id)")
    }

    /// The admitted signup's first API key was taken: it stops counting as unclaimed.
    public func claimed(_ id: UUID) async throws {
        try await pool.query("SELECT tenantry.claim_signup(\(id))")
    }
}
