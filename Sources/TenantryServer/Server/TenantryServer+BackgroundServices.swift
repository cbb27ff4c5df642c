import FeatureFlags
import Provisioning
import ServiceLifecycle
import Tenantry

extension TenantryServer {
    /// The long-running work beside the HTTP server, in start order (they stop in reverse,
    /// after the HTTP server). Add a service here and it runs, and stops, with the server.
    func backgroundServices() -> [any Service] {
        [
            LiveViewService(name: "flag-catalog", view: views.flags),
            LiveViewService(name: "tenant-directory", view: views.directory),
            LiveViewService(name: "admin-tokens", view: views.adminTokens),
            ProvisioningService(manager: ProvisioningProcessManager(saga: runtime.tenants.saga)),
            TrialExpiryService(
                scheduler: TrialExpiryScheduler(administration: runtime.tenants, interval: configuration.trialCheckInterval)
            ),
            FlagScheduleService(scheduler: FlagScheduler(flags: runtime.flags, catalog: views.flags)),
            ActivationService(signal: activations, tenants: runtime.tenants.tenants),
            // Last, so it stops first after the HTTP server: in-flight signups finish provisioning.
            SignupService(coordinator: signups),
        ]
    }
}
