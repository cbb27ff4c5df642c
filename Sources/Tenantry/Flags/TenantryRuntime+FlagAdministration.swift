extension TenantryRuntime {
    /// Flag operations that need more than `FlagService`: evaluation for a tenant, stale
    /// flags, and the choices commands make before they call the service.
    public var flagAdministration: FlagAdministration { FlagAdministration(flags: flags, tenants: tenants) }
}
