public import Extensions
import Foundation
public import Instances

extension TenantryRuntime {
    /// Single-tenant instances, on this runtime's platform: deploy, status, upgrade, stop,
    /// destroy. `customizations` are those deployments can name (usually
    /// `customizations(catalog:)`: the release's and the installed modules); `processes` starts
    /// and stops the local ones.
    public func instances(
        customizations: any CustomizationResolver, processes: any InstanceProcesses = LocalInstanceProcesses()
    ) -> InstanceAdministration {
        InstanceAdministration(platform: instancePlatform, customizations: customizations, processes: processes)
    }

    /// The services instance operations use, from this runtime.
    var instancePlatform: InstancePlatform {
        InstancePlatform(
            tenants: tenants.lifecycle, placements: tenants.placements, databases: tenants.databases, flags: flags,
            pooledStore: eventStore, operatorStore: operatorEventStore,
            administrator: target.administratorConfiguration, clusterAdministrator: tenants.clusterAdministrator,
            migrationEnvironment: migrationEnvironment, databaseURLVariable: DatabaseTarget.urlVariable, offboarding: tenants)
    }

    /// What an instance's migration step is given to reach this runtime's database: the
    /// deploying operator's URL, or the embedded cluster's home.
    private var migrationEnvironment: [String: String] {
        switch target {
        case .external(let url): [DatabaseTarget.urlVariable: url]
        case .embedded:
            [DatabaseTarget.homeVariable: ProcessInfo.processInfo.environment[DatabaseTarget.homeVariable]
                ?? FileManager.default.currentDirectoryPath + "/.tenantry"]
        }
    }
}
