public import EventStore
public import Extensions
public import WasmCustomizations

extension TenantryRuntime {
    /// The customizations deployments can name: `catalog` (the release's) and the modules
    /// installed on the control plane.
    public func customizations(catalog: CustomizationCatalog, options: WasmCustomization.Options = .init()) -> CustomizationDirectory {
        CustomizationDirectory(catalog: catalog, library: ModuleLibrary(store: operatorEventStore), options: options)
    }

    /// The customizations as another login reads them on the control plane's `store`: `catalog`
    /// and the modules installed there. A single-tenant instance checks its customization with
    /// these at start-up, with its own login, before it has a runtime.
    public static func customizations(
        catalog: CustomizationCatalog, controlPlane store: EventLog, options: WasmCustomization.Options = .init()
    ) -> CustomizationDirectory {
        CustomizationDirectory(catalog: catalog, library: ModuleLibrary(store: store), options: options)
    }
}
