import Extensions
import ArgumentParser
import Provisioning
import Tenantry

/// The options every command that touches the database shares.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "libpq URL or keyword string of the database (default: $TENANTRY_DATABASE_URL, else the embedded cluster).",
            valueName: "url"
        )
    )
    var databaseURL: String?

    var target: DatabaseTarget {
        DatabaseTarget.resolve(url: databaseURL)
    }

    func validate() throws {
        if let databaseURL, databaseURL.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--database-url is empty: give a URL such as postgresql://tenantry_app@db.example/tenantry")
        }
    }

    /// Starts the runtime on the chosen database, runs `body`, and shuts it down.
    func withRuntime<Value>(
        beforeProvisioningStep: ProvisioningSaga.StepHook? = nil,
        customization: CustomizationHost? = nil,
        _ body: (TenantryRuntime) async throws -> Value
    ) async throws -> Value {
        let runtime = try await TenantryRuntime.start(
            target: target, beforeProvisioningStep: beforeProvisioningStep, customization: customization)
        do {
            let value = try await body(runtime)
            await runtime.shutdown()
            return value
        } catch {
            await runtime.shutdown()
            throw error
        }
    }
}

import Foundation
