public import EventStore
public import Extensions
public import FeatureFlags
public import Foundation
public import Provisioning
import Synchronization
public import WasmCustomizations

/// WebAssembly customizations assigned to pooled tenants: a tenant's changes (plan, API keys,
/// attributes) are validated by its module before anything is written, and the module's flag
/// defaults become the tenant's overrides. Only what cannot reach beyond the call is allowed in
/// the shared deployment: validators and flag defaults — no reactions, no `tenantry.http`, no
/// secret settings.
///
/// Each check reads the tenant's assignment stream (one short read, so every server sees a new
/// assignment at once) and reuses the tenant's customization while that stream is unchanged.
/// Tenants' customizations are kept for at most `cacheLimit` tenants; each has its own
/// sandboxes, so nothing of one tenant's calls reaches another's.
public final class PooledCustomizations: Sendable {
    static let cacheLimit = 512

    /// A pooled tenant's assignment.
    public struct Assignment: Sendable, Hashable {
        public let tenantID: UUID
        public let customization: CustomizationID
        public let version: String
        /// `sha256:<hex>`.
        public let module: String
        public let settings: [String: String]
        public let assignedAt: Date
        public let actor: String?

        /// `id@version`.
        public var reference: String { "\(customization)@\(version)" }
    }

    private struct Cached {
        let streamVersion: Int64
        let host: CustomizationHost?
    }

    let store: EventLog
    let library: ModuleLibrary
    private let cache = Mutex<[UUID: Cached]>([:])

    init(store: EventLog) {
        self.store = store
        self.library = ModuleLibrary(store: store)
    }

    /// The tenant's current assignment, or nil.
    public func assignment(of tenant: UUID) async throws -> Assignment? {
        guard let last = try await lastEvent(of: tenant), last.type == TenantCustomizationEvent.Assigned.type else { return nil }
        let assigned = try JSONDecoder().decode(TenantCustomizationEvent.Assigned.self, from: Data(last.dataJSON.utf8))
        return Assignment(
            tenantID: tenant, customization: CustomizationID(assigned.customizationId) ?? "unknown", version: assigned.version,
            module: assigned.module, settings: assigned.settings, assignedAt: last.recordedAt, actor: last.metadata.actor)
    }

    /// The customization judging `tenant`'s changes now, or nil.
    public func host(for tenant: UUID) async throws -> CustomizationHost? {
        guard let last = try await lastEvent(of: tenant) else { return nil }
        if let cached = cache.withLock({ $0[tenant] }), cached.streamVersion == last.version { return cached.host }
        var host: CustomizationHost?
        if last.type == TenantCustomizationEvent.Assigned.type {
            let assigned = try JSONDecoder().decode(TenantCustomizationEvent.Assigned.self, from: Data(last.dataJSON.utf8))
            let sha256 = String(assigned.module.dropFirst("sha256:".count))
            guard let module = try await library.module(assigned.customizationId, version: assigned.version, sha256: sha256) else {
                throw ModuleLibraryError.corrupt(reference: "\(assigned.customizationId)@\(assigned.version)", problem: "it is not installed")
            }
            host = try CustomizationHost(WasmCustomization.definition(module), settings: assigned.settings)
        }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[tenant] = Cached(streamVersion: last.version, host: host)
        }
        return host
    }

    /// Validates the commands of `change` with its tenant's module, if it has one. A change
    /// that amounts to no command (a provisioning step, a suspension) reads nothing.
    func check(_ change: TenantChange) async throws {
        let commands = CustomizationGate.commands(in: change)
        guard let tenant = change.tenant, !commands.isEmpty, let host = try await host(for: tenant.id) else { return }
        for command in commands {
            try await host.validate(anyCommand: command)
        }
    }

    /// Assigns module `reference` (`ID` for its highest installed version, or `ID@VERSION`)
    /// with `settings` to the pooled tenant: checked first (a module that may not run pooled,
    /// settings that do not match), then recorded; its flag defaults become the tenant's
    /// overrides where it has none.
    public func assign(
        _ reference: String, settings: [String: String], to tenant: TenantState, flags: FlagService, actor: String, reason: String?
    ) async throws -> Assignment {
        guard tenant.isolation == .pooled, tenant.status == .active || tenant.status == .suspended else {
            throw PooledCustomizationError.notPooled(tenant.slug)
        }
        let (id, version) = CustomizationCatalog.split(reference)
        guard let module = try await library.module(id, version: version) else {
            let installed = try await library.entries().map(\.reference)
            throw UnknownCustomization(name: reference, known: installed.isEmpty ? "no module installed" : installed.joined(separator: ", "))
        }
        if let problem = Self.pooledProblem(module) {
            throw PooledCustomizationError.notPoolable(reference: "\(module.manifest.id)@\(module.manifest.version)", problem: problem)
        }
        let host = try CustomizationHost(WasmCustomization.definition(module), settings: settings)
        // Every override the module asks for is checked before anything is recorded.
        var overrides: [(key: FlagKey, variant: String)] = []
        for flagDefault in host.flagDefaults {
            let key = try FlagKey(flagDefault.flagKey)
            guard let flag = try await flags.load(key) else { continue }
            guard flag.variants[flagDefault.variant] != nil else {
                throw PooledCustomizationError.notPoolable(
                    reference: "\(module.manifest.id)@\(module.manifest.version)",
                    problem: "its flag default \(flagDefault.flagKey)=\(flagDefault.variant) names no variant of that flag")
            }
            if flag.overrides[tenant.id] == nil { overrides.append((key, flagDefault.variant)) }
        }
        let assigned = TenantCustomizationEvent.Assigned(
            tenantId: tenant.id, customizationId: host.id.rawValue, version: host.version, module: module.contentAddress, settings: host.settings.values)
        try await store.append(
            [try NewEvent(type: TenantCustomizationEvent.Assigned.type, data: assigned, metadata: EventMetadata(actor: actor, reason: reason))],
            to: try Self.stream(of: tenant.id), tenant: EventLog.controlPlaneTenantID)
        for (key, variant) in overrides {
            _ = try await flags.setOverride(
                key, tenant: tenant.id, variant: variant,
                by: FlagService.Change(actor: "customization:\(host.id)", reason: "flag default of \(host.id) \(host.version)"))
        }
        guard let recorded = try await assignment(of: tenant.id) else { throw PooledCustomizationError.notPooled(tenant.slug) }
        return recorded
    }

    /// Removes the tenant's assignment; false when it had none.
    public func remove(from tenant: UUID, actor: String, reason: String?) async throws -> Bool {
        guard let current = try await assignment(of: tenant) else { return false }
        let removed = TenantCustomizationEvent.Removed(tenantId: tenant, customizationId: current.customization.rawValue)
        try await store.append(
            [try NewEvent(type: TenantCustomizationEvent.Removed.type, data: removed, metadata: EventMetadata(actor: actor, reason: reason))],
            to: try Self.stream(of: tenant), tenant: EventLog.controlPlaneTenantID)
        return true
    }

    /// Why `module` may not run for a pooled tenant, or nil.
    static func pooledProblem(_ module: CompiledModule) -> String? {
        if !module.manifest.hooks.reactions.isEmpty { return "it has reactions, which run only in a single-tenant instance" }
        if module.importsNetwork { return "it imports tenantry.http, which pooled tenants are not granted" }
        if let secret = module.manifest.settings.first(where: \.isSecret) {
            return "its setting '\(secret.name)' is secret, and a pooled tenant's settings are recorded in plain events"
        }
        return nil
    }

    private func lastEvent(of tenant: UUID) async throws -> RecordedEvent? {
        try await store.readStream(try Self.stream(of: tenant), tenant: EventLog.controlPlaneTenantID, direction: .backward, limit: 1).first
    }

    static func stream(of tenant: UUID) throws -> StreamName {
        try StreamName(category: TenantCustomizationEvent.category, id: tenant.uuidString.lowercased())
    }
}
