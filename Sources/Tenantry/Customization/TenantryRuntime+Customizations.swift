public import Extensions
public import WasmCustomizations

extension TenantryRuntime {
    /// The customizations deployments can name: `catalog` (the release's) and the modules
    /// installed on the control plane.
    public func customizations(catalog: CustomizationCatalog, options: WasmCustomization.Options = .init()) -> CustomizationDirectory {
        CustomizationDirectory(catalog: catalog, library: ModuleLibrary(store: operatorEventStore), options: options)
    }
}
