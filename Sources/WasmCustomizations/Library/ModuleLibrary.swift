public import EventStore
public import Extensions
public import Foundation

/// The WebAssembly customizations installed on this platform, kept as events on the control
/// plane (`customization-<id>`, one `CustomizationModuleInstalled` per version): installed
/// without a release, loaded by deployments by id and version, checked against the sha256
/// they recorded.
public struct ModuleLibrary: Sendable {
    public let store: EventLog

    public init(store: EventLog) {
        self.store = store
    }

    /// A module's installation as recorded, without its bytes compiled.
    public struct Entry: Sendable, Hashable {
        public let installed: CustomizationModuleInstalled
        public let installedAt: Date
        public let actor: String?

        /// `id@version`.
        public var reference: String { "\(installed.id)@\(installed.version)" }

        /// The version, for ordering (0.0.0 for one that does not parse, which install refuses).
        var version: ModuleVersion { ModuleVersion(installed.version) ?? .zero }
    }

    /// What an install did.
    public struct Installation: Sendable {
        public let module: CompiledModule
        /// False when that version was installed already with the same bytes.
        public let created: Bool
    }

    /// Inspects and compiles `bytes`, then records them, unless that version is installed
    /// already: with the same bytes that is no change (`created` false); with other bytes it is
    /// refused (a version names one module for good). Ids in `reservedIDs` (the compiled-in
    /// customizations') are refused.
    public func install(_ bytes: [UInt8], reservedIDs: Set<String>, actor: String, reason: String?) async throws -> Installation {
        let module = try CompiledModule(bytes: bytes)
        let id = module.manifest.id
        guard !reservedIDs.contains(id.rawValue) else { throw ModuleLibraryError.reservedID(id.rawValue) }
        let stream = try Self.stream(of: id)
        let installed = CustomizationModuleInstalled(
            id: id.rawValue, version: module.manifest.version, sha256: module.sha256, size: bytes.count, abi: ModuleManifest.abi,
            summary: module.manifest.summary, module: Data(bytes).base64EncodedString())
        for _ in 0..<3 {
            let existing = try await store.readStream(stream, tenant: EventLog.controlPlaneTenantID, limit: 10_000)
            if let same = existing.lazy.compactMap(Self.decode).first(where: { $0.version == installed.version }) {
                guard same.sha256 == installed.sha256 else { throw ModuleLibraryError.versionTaken(reference: "\(id)@\(installed.version)", sha256: same.sha256) }
                return Installation(module: module, created: false)
            }
            do {
                try await store.append(
                    [try NewEvent(type: CustomizationModuleInstalled.type, data: installed, metadata: EventMetadata(actor: actor, reason: reason))],
                    to: stream, tenant: EventLog.controlPlaneTenantID,
                    expectedVersion: existing.last.map { .exact($0.version) } ?? .noStream)
                return Installation(module: module, created: true)
            } catch EventStoreError.wrongExpectedVersion {
                continue  // another version was installed meanwhile: read again
            }
        }
        throw ModuleLibraryError.busy(id.rawValue)
    }

    /// Every installed version of every module, by id then version.
    public func entries() async throws -> [Entry] {
        var entries: [Entry] = []
        for stream in try await store.streamNames(inCategory: CustomizationModuleInstalled.category, tenant: EventLog.controlPlaneTenantID) {
            entries += try await read(stream)
        }
        return entries.sorted { ($0.installed.id, $0.version) < ($1.installed.id, $1.version) }
    }

    /// The installed versions of `id`, lowest first; empty when none is.
    public func entries(of id: String) async throws -> [Entry] {
        guard let customization = CustomizationID(id) else { return [] }
        return try await read(try Self.stream(of: customization))
            .sorted { $0.version < $1.version }
    }

    /// Module `id` at `version` (nil: the highest installed), compiled, or nil when there is
    /// none. With `sha256`, the stored bytes must hash to it.
    public func module(_ id: String, version: String?, sha256: String? = nil) async throws -> CompiledModule? {
        let versions = try await entries(of: id)
        guard let entry = version.map({ wanted in versions.first { $0.installed.version == wanted } }) ?? versions.last else { return nil }
        guard let bytes = Data(base64Encoded: entry.installed.module) else {
            throw ModuleLibraryError.corrupt(reference: entry.reference, problem: "its stored bytes are not base64")
        }
        let module: CompiledModule
        do {
            module = try CompiledModules.compile(Array(bytes))
        } catch {
            throw ModuleLibraryError.corrupt(reference: entry.reference, problem: "\(error)")
        }
        if let sha256, module.sha256 != sha256 {
            throw ModuleLibraryError.corrupt(reference: entry.reference, problem: "its bytes hash to \(module.sha256), not the sha256:\(sha256) deployed")
        }
        guard module.sha256 == entry.installed.sha256, module.manifest.id.rawValue == id, module.manifest.version == entry.installed.version else {
            throw ModuleLibraryError.corrupt(reference: entry.reference, problem: "its bytes are not the module its event describes")
        }
        return module
    }

    private func read(_ stream: StreamName) async throws -> [Entry] {
        try await store.readStream(stream, tenant: EventLog.controlPlaneTenantID, limit: 10_000).compactMap { event in
            Self.decode(event).map { Entry(installed: $0, installedAt: event.recordedAt, actor: event.metadata.actor) }
        }
    }

    private static func decode(_ event: RecordedEvent) -> CustomizationModuleInstalled? {
        guard event.type == CustomizationModuleInstalled.type else { return nil }
        return try? JSONDecoder().decode(CustomizationModuleInstalled.self, from: Data(event.dataJSON.utf8))
    }

    static func stream(of id: CustomizationID) throws -> StreamName {
        try StreamName(category: CustomizationModuleInstalled.category, id: id.rawValue)
    }
}
