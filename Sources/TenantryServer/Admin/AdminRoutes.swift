public import Hummingbird
public import Tenantry

/// The admin API, `/v1/admin`: the tenant, cell, flag and customization operations of the
/// `tenantry` CLI over HTTP, through the same composition root (`TenantAdministration`,
/// `CellAdministration`, `FlagService`, `FlagAdministration`, `CustomizationDirectory`), so the
/// two faces never differ in what they do.
///
/// Every route needs `Authorization: Bearer <admin token>` (`AdminAuthenticationMiddleware`);
/// changes are signed `admin:<token label or prefix>` in their events. Refusals are problem
/// details: 400 invalid-request naming the field, 404 not-found, 409 for conflicts, 422 for an
/// invalid flag definition or plan, or a WebAssembly module refused (see
/// `ProblemDetails+Admin.swift`).
///
/// ```swift
/// AdminRoutes(runtime: runtime, views: views, configuration: configuration).register(on: router)
/// ```
public struct AdminRoutes: Sendable {
    public let runtime: TenantryRuntime
    public let views: LiveViews
    public let configuration: ServerConfiguration

    public init(runtime: TenantryRuntime, views: LiveViews, configuration: ServerConfiguration) {
        self.runtime = runtime
        self.views = views
        self.configuration = configuration
    }

    /// Adds every admin route under `/v1/admin`; other methods on those paths get 405 (before
    /// authentication, as elsewhere).
    public func register(on router: some RouterMethods<TenantryRequestContext>) {
        let refusals = router.group("v1/admin")
        AdminTenantRoutes.refuseOtherMethods(on: refusals)
        AdminFlagRoutes.refuseOtherMethods(on: refusals)
        AdminFlagTargetingRoutes.refuseOtherMethods(on: refusals)
        AdminReportRoutes.refuseOtherMethods(on: refusals)
        AdminCellRoutes.refuseOtherMethods(on: refusals)
        AdminCustomizationRoutes.refuseOtherMethods(on: refusals)
        AdminTenantCustomizationRoutes.refuseOtherMethods(on: refusals)

        let admin = router.group("v1/admin", context: AdminRequestContext.self)
            .add(middleware: ProblemMiddleware.admin)
            .add(middleware: AdminAuthenticationMiddleware(
                tokens: views.adminTokens, configured: configuration.adminToken, tenants: views.directory
            ))
            .add(middleware: StorableTextMiddleware())
        AdminTenantRoutes(administration: runtime.tenants, exportDirectory: configuration.exportDirectory).register(on: admin)
        let flags = AdminFlagRoutes(administration: runtime.flagAdministration, views: views)
        flags.register(on: admin)
        AdminFlagTargetingRoutes(definitions: flags).register(on: admin)
        AdminReportRoutes(runtime: runtime).register(on: admin)
        AdminCellRoutes(cells: runtime.cells, tenants: runtime.tenants).register(on: admin)
        AdminCustomizationRoutes(directory: runtime.customizations(catalog: configuration.customizations)).register(on: admin)
        AdminTenantCustomizationRoutes(administration: runtime.tenants, flags: runtime.flags).register(on: admin)
    }
}
