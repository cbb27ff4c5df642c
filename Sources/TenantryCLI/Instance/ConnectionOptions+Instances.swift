import Customizations
import Instances
import Tenantry

extension ConnectionOptions {
    /// Runs `body` with the instance workflows on the chosen database, over this release's
    /// customizations and the WebAssembly modules installed there.
    func withInstances<Value>(_ body: (InstanceAdministration) async throws -> Value) async throws -> Value {
        try await withRuntime { runtime in
            try await body(runtime.instances(customizations: runtime.customizations(catalog: ReleaseCustomizations.catalog)))
        }
    }
}
