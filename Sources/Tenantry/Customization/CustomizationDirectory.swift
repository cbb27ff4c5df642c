public import Extensions
import Foundation
public import WasmCustomizations

/// Every customization a deployment can name: the ones compiled into this release and the
/// WebAssembly modules installed on the platform (a module may not take a compiled one's id).
/// `ID` alone is the compiled one, else the highest version installed; `ID@VERSION` is exact.
public struct CustomizationDirectory: CustomizationResolver {
    public let catalog: CustomizationCatalog
    public let library: ModuleLibrary
    public let options: WasmCustomization.Options

    public init(catalog: CustomizationCatalog, library: ModuleLibrary, options: WasmCustomization.Options = .init()) {
        self.catalog = catalog
        self.library = library
        self.options = options
    }

    public func definition(_ reference: String) async throws -> CustomizationDefinition {
        let (id, version) = CustomizationCatalog.split(reference)
        if let compiled = CustomizationID(id).flatMap(catalog.customization) {
            return try await catalog.definition(reference.isEmpty ? compiled.id.rawValue : reference)
        }
        guard let module = try await library.module(id, version: version) else {
            throw UnknownCustomization(name: reference, known: try await known())
        }
        return WasmCustomization.definition(module, options: options)
    }

    public func definition(id: String, version: String, moduleSHA256: String?) async throws -> CustomizationDefinition {
        guard let sha256 = moduleSHA256 else {
            return try await catalog.definition(id: id, version: version, moduleSHA256: nil)
        }
        guard let module = try await library.module(id, version: version, sha256: sha256) else {
            // Only this id's versions: an instance's login reads the modules' streams at start-up
            // but may not list the control plane's streams.
            let versions = try await library.entries(of: id).map(\.reference)
            throw UnknownCustomization(name: "\(id)@\(version)", known: versions.isEmpty ? "no version of \(id)" : versions.joined(separator: ", "))
        }
        return WasmCustomization.definition(module, options: options)
    }

    public func all() async throws -> [CustomizationDefinition] {
        var definitions = try await catalog.all()
        for entry in try await library.entries() {
            if let module = try await library.module(entry.installed.id, version: entry.installed.version) {
                definitions.append(WasmCustomization.definition(module, options: options))
            }
        }
        return definitions
    }

    /// Installs a module (`tenantry customization install`, `POST /v1/admin/customizations`).
    public func install(_ bytes: [UInt8], actor: String, reason: String?) async throws -> ModuleLibrary.Installation {
        try await library.install(bytes, reservedIDs: Set(catalog.customizations.map { $0.id.rawValue }), actor: actor, reason: reason)
    }

    private func known() async throws -> String {
        let compiled = catalog.customizations.map { $0.id.rawValue }
        let installed = try await library.entries().map(\.reference)
        let all = compiled + installed
        return all.isEmpty ? "none" : all.joined(separator: ", ")
    }
}
