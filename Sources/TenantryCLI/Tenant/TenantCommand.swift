import ArgumentParser

/// `tenantry tenant …`: the tenant registry and lifecycle.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Create, inspect and run tenants through their lifecycle.",
        subcommands: [
            TenantCreateCommand.self, TenantListCommand.self, TenantShowCommand.self, TenantHistoryCommand.self,
            TenantSuspendCommand.self, TenantResumeCommand.self, TenantPlanCommand.self, TenantAttributesCommand.self, TenantCustomizeCommand.self,
            TenantMoveCommand.self, TenantOffboardCommand.self, TenantPurgeCommand.self, TenantForgetCommand.self, TenantImportCommand.self,
            TenantRestoreCommand.self, TenantRebuildCommand.self,
            TenantExpireTrialsCommand.self,
            TenantRetryCommand.self, TenantProvisionPendingCommand.self, TenantWorkerCommand.self,
        ]
    )
}
