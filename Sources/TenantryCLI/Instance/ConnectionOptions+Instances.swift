import Customizations
import Instances
import Tenantry

extension ConnectionOptions {
    /// Runs `body` with the instance workflows of this release's customizations, on the chosen
    /// database.
    func withInstances<Value>(_ body: (InstanceAdministration) async throws -> Value) async throws -> Value {
        try await withRuntime { runtime in
            try await body(runtime.instances(catalog: ReleaseCustomizations.catalog))
        }
    }
}
