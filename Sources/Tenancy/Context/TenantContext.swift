public import Foundation

/// The tenant the current task works for.
///
/// It travels with the task (`@TaskLocal`): set it once where a request or command is
/// authenticated, and every tenant-scoped query below runs for that tenant.
///
/// ```swift
/// try await TenantContext.run(as: tenantID) {
///     try await database.transaction { connection in … }   // sees only this tenant's rows
/// }
/// ```
public struct TenantContext: Sendable, Hashable {
    public let tenantID: UUID

    public init(tenantID: UUID) {
        self.tenantID = tenantID
    }

    /// The current task's tenant, if one was set.
    @TaskLocal public static var current: TenantContext?

    /// Runs `body` with `tenantID` as the current tenant (of this task and its child tasks).
    public static func run<Value: Sendable>(
        as tenantID: UUID,
        _ body: () async throws -> Value
    ) async rethrows -> Value {
        try await $current.withValue(TenantContext(tenantID: tenantID)) {
            try await body()
        }
    }
}
