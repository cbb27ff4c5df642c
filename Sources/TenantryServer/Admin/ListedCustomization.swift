public import Extensions
import Foundation
public import Tenantry
public import WasmCustomizations

/// A customization as `GET /v1/admin/customizations` and `tenantry customization list` show
/// it: what it is and plugs in (`CustomizationDescription`, hooks described from example
/// settings) and, for an installed WebAssembly module, its install record. Both faces build
/// their listings here, so they never differ.
public struct ListedCustomization: Sendable {
    public let description: CustomizationDescription
    /// How an installed module was recorded (its sha256, size, when and by whom); nil for a
    /// customization compiled into the release.
    public let installation: ModuleLibrary.Entry?

    public init(description: CustomizationDescription, installation: ModuleLibrary.Entry?) {
        self.description = description
        self.installation = installation
    }

    /// The customizations compiled into `catalog`, by id. Reads no database.
    public static func compiled(_ catalog: CustomizationCatalog) -> [ListedCustomization] {
        catalog.customizations.map { ListedCustomization(description: CustomizationDescription($0), installation: nil) }
    }

    /// Every customization `directory` can deploy: the compiled-in ones by id, then every
    /// installed module version, by id then version.
    public static func all(in directory: CustomizationDirectory) async throws -> [ListedCustomization] {
        var listed = compiled(directory.catalog)
        for entry in try await directory.library.entries() {
            listed.append(try await installed(entry, in: directory))
        }
        return listed
    }

    /// The versions of `id` there are: the compiled-in one, else each installed version,
    /// lowest first; empty when `id` names nothing.
    public static func versions(of id: String, in directory: CustomizationDirectory) async throws -> [ListedCustomization] {
        if let compiled = CustomizationID(id).flatMap(directory.catalog.customization) {
            return [ListedCustomization(description: CustomizationDescription(compiled), installation: nil)]
        }
        var listed: [ListedCustomization] = []
        for entry in try await directory.library.entries(of: id) {
            listed.append(try await installed(entry, in: directory))
        }
        return listed
    }

    /// An installed module version, described from its stored bytes (compiled again, and
    /// checked against the sha256 its event recorded).
    public static func installed(_ entry: ModuleLibrary.Entry, in directory: CustomizationDirectory) async throws -> ListedCustomization {
        let recorded = entry.installed
        guard let module = try await directory.library.module(recorded.id, version: recorded.version, sha256: recorded.sha256) else {
            throw ModuleLibraryError.corrupt(reference: entry.reference, problem: "its event was read but the version is not found again")
        }
        let definition = WasmCustomization.definition(module, options: directory.options)
        return ListedCustomization(description: CustomizationDescription(definition), installation: entry)
    }

    /// The installed version `module` is (just installed), described with its record.
    public static func installed(_ module: CompiledModule, in directory: CustomizationDirectory) async throws -> ListedCustomization {
        let (id, version) = (module.manifest.id.rawValue, module.manifest.version)
        guard let entry = try await directory.library.entries(of: id).first(where: { $0.installed.version == version }) else {
            throw ModuleLibraryError.corrupt(reference: "\(id)@\(version)", problem: "it was installed but is not found again")
        }
        return try await installed(entry, in: directory)
    }

    /// `compiled`, or `wasm sha256:<hex>`: what the customization's code is, for people.
    public var kind: String {
        switch description.origin {
        case .compiled: "compiled"
        case .webAssembly(let sha256): "wasm sha256:\(sha256)"
        }
    }
}
