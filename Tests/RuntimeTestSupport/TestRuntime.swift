import Extensions
import Foundation
import Provisioning
import Tenantry
import TestSupport

/// Runs `body` with the whole runtime (pools, event store, tenant administration) on a fresh
/// test database, the way the CLI builds it. Dedicated databases the test creates are dropped
/// afterwards.
public func withTestRuntime<Value: Sendable>(
    beforeProvisioningStep: ProvisioningSaga.StepHook? = nil,
    customization: CustomizationHost? = nil,
    _ body: (TenantryRuntime, TestDatabase) async throws -> Value
) async throws -> Value {
    try await withTestDatabase { database async throws in
        let runtime = try await TenantryRuntime.start(
            target: .external(url: database.administratorConnectionString),
            beforeProvisioningStep: beforeProvisioningStep,
            customization: customization
        )
        do {
            let value = try await body(runtime, database)
            await runtime.shutdown()
            return value
        } catch {
            await runtime.shutdown()
            throw error
        }
    }
}
