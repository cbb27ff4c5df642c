import Extensions
import FeatureFlags
import Provisioning
import ServiceLifecycle
import Tenantry

extension APIServer {
    /// The long-running work beside the HTTP server, in start order (they stop in reverse,
    /// after the HTTP server). Add a service here and it runs, and stops, with the server.
    func backgroundWorkers() -> [any Service] {
        if let instance = configuration.instance {
            return instanceServices(instance)
        }
        return [
            LiveViewWorker(name: "flag-catalog", view: views.flags),
            LiveViewWorker(name: "tenant-directory", view: views.directory),
            LiveViewWorker(name: "admin-tokens", view: views.adminTokens),
            // The registry follows the feed here: signups do not wait for it (readers catch it
            // up first), and readiness counts its lag.
            ProjectionWorker(runner: runtime.tenants.registry, gathering: TenantAdministration.registryGathering),
            ProvisioningWorker(manager: ProvisioningProcessManager(
                saga: runtime.tenants.saga, sweepInterval: configuration.provisioningSweepInterval)),
            PeriodicCheckWorker(
                TrialExpiryScheduler(administration: runtime.tenants, interval: configuration.trialCheckInterval).periodicCheck
            ),
            PeriodicCheckWorker(FlagScheduler(flags: runtime.flags, catalog: views.flags).periodicCheck),
            PeriodicCheckWorker(cellHealth.periodicCheck(interval: configuration.cellCheckInterval)),
            ActivationWorker(signal: activations, tenants: runtime.tenants.lifecycle),
            // Last, so it stops first after the HTTP server: in-flight signups finish provisioning.
            SignupWorker(coordinator: signups),
        ]
    }

    /// A single-tenant instance: the live views it reads (flags, and its own tenant: its login
    /// sees no other), its tenant's activation and its customization's reactions. Provisioning,
    /// trial expiry and the flag schedule are the platform's (the pooled servers', or
    /// `tenantry flag apply-due`): they write for every tenant, which an instance's login may not.
    private func instanceServices(_ instance: InstanceScope) -> [any Service] {
        let reactions: [any Service] = instance.customization.reactions.map { reaction in
            ReactionWorker(runner: ReactionRunner(
                host: instance.customization, reaction: reaction, store: instance.tenantStore, tenantID: instance.tenantID))
        }
        return [
            LiveViewWorker(name: "flag-catalog", view: views.flags),
            LiveViewWorker(name: "tenant-directory", view: views.directory),
            ActivationWorker(signal: activations, tenants: runtime.tenants.lifecycle),
        ] + reactions
    }
}
