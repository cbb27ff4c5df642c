public import Foundation
import EventStore

/// What happens to a tenant's single-tenant instance, recorded on `instance-<tenant id>` in the
/// control plane (actor and reason in the metadata).
public enum InstanceEvent: Sendable, Hashable {
    /// `InstanceDeployed`: the deployment's settings, files and database.
    case deployed(Deployed)
    /// `InstanceStarted`: a local process serves it.
    case started(Started)
    /// `InstanceStopped`: the local process was stopped on purpose.
    case stopped(Stopped)
    /// `InstanceUpgraded`: another release serves it (recorded with that release's start).
    case upgraded(Upgraded)
    /// `InstanceUpgradeRolledBack`: an upgrade failed and the previous release serves it again.
    case upgradeRolledBack(UpgradeRolledBack)
    /// `InstanceDestroyed`: exported, offboarded and removed; nothing is done with it after.
    case destroyed(Destroyed)
    /// `InstanceCustomizationChanged`: the instance runs another customization, or another
    /// version of its own (recorded before that one starts: the instance reads it at start-up).
    case customizationChanged(CustomizationChanged)
    /// `InstanceCustomizationRolledBack`: a customization change failed and the previous one
    /// runs again.
    case customizationRolledBack(CustomizationRolledBack)

    /// The instance was deployed (or redeployed with other settings).
    public struct Deployed: Codable, Sendable, Hashable {
        /// The tenant it serves.
        public var tenantId: UUID
        /// The tenant's slug when deployed: the name of its files, units and process.
        public var slug: String
        /// The customization it runs (its id in the release's catalog).
        public var customizationId: String
        /// The customization's version when deployed.
        public var customizationVersion: String
        /// `sha256:<hex>` of the WebAssembly module deployed; absent for a customization compiled
        /// into the release (and in events recorded before modules existed).
        public var customizationModule: String?
        /// The Tenantry release deployed (later ones are recorded by `Upgraded`).
        public var release: String
        /// Secret settings are recorded as `sha256:<hex>` of their value, never the value.
        public var settings: [String: String]
        /// `local` or `kubernetes`.
        public var target: String
        /// Where the deployment files were rendered.
        public var directory: String
        /// The port it was deployed to serve on.
        public var port: Int
        /// The tenant's dedicated database, which its own login reaches.
        public var database: String
    }

    /// A local instance process was started.
    public struct Started: Codable, Sendable, Hashable {
        /// The process id, to stop it or see whether it still runs.
        public var processId: Int32
        /// The port it serves on.
        public var port: Int
        /// The release the process runs.
        public var release: String
        /// The copy of the binary the process runs (kept per release, for rollback).
        public var binary: String

        /// A start as a process runner reports it.
        public init(processId: Int32, port: Int, release: String, binary: String) {
            self.processId = processId
            self.port = port
            self.release = release
            self.binary = binary
        }
    }

    /// The local instance process was stopped gracefully.
    public struct Stopped: Codable, Sendable, Hashable {
        /// The process that was stopped.
        public var processId: Int32
        /// A stop of `processId`.
        public init(processId: Int32) { self.processId = processId }
    }

    /// The instance runs another release.
    public struct Upgraded: Codable, Sendable, Hashable {
        /// The release it ran before.
        public var from: String
        /// The release it runs now.
        public var to: String
        /// An upgrade from `from` to `to`.
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// An upgrade that failed once the previous release was stopped: the previous one runs again.
    public struct UpgradeRolledBack: Codable, Sendable, Hashable {
        /// The release that runs again.
        public var from: String
        /// The release that was tried.
        public var to: String
        /// Why the upgrade failed, in one line.
        public var reason: String
        /// A rollback from the attempted `to` back to `from`.
        public init(from: String, to: String, reason: String) {
            self.from = from
            self.to = to
            self.reason = reason
        }
    }

    /// The instance's customization was switched (`instance upgrade --customization`).
    public struct CustomizationChanged: Codable, Sendable, Hashable {
        /// The customization it ran, `id@version`.
        public var from: String
        /// `sha256:<hex>` of the module it ran; absent for compiled code.
        public var fromModule: String?
        /// The customization it runs now, `id@version`.
        public var to: String
        /// `sha256:<hex>` of the module it runs now; absent for compiled code.
        public var toModule: String?
        /// The settings `to` runs with; secret ones as `sha256:<hex>`, never the value.
        public var settings: [String: String]

        /// A change from `from` to `to`, which runs with `settings` (secrets already hashed).
        public init(from: InstanceCustomization, to: InstanceCustomization, settings: [String: String]) {
            self.from = from.reference
            self.fromModule = from.module
            self.to = to.reference
            self.toModule = to.module
            self.settings = settings
        }

        /// The customization it runs now.
        public var running: InstanceCustomization { InstanceCustomization(reference: to, module: toModule) }
    }

    /// A customization change that failed once recorded: the previous customization runs again.
    public struct CustomizationRolledBack: Codable, Sendable, Hashable {
        /// The customization that runs again, `id@version`.
        public var from: String
        /// `sha256:<hex>` of its module; absent for compiled code.
        public var fromModule: String?
        /// The customization that was tried, `id@version`.
        public var to: String
        /// `sha256:<hex>` of the module tried; absent for compiled code.
        public var toModule: String?
        /// The settings `from` runs with again; secret ones as `sha256:<hex>`.
        public var settings: [String: String]
        /// Why the change failed, in one line.
        public var reason: String

        /// A rollback from the attempted `to` back to `from`, which runs with `settings` again.
        public init(from: InstanceCustomization, to: InstanceCustomization, settings: [String: String], reason: String) {
            self.from = from.reference
            self.fromModule = from.module
            self.to = to.reference
            self.toModule = to.module
            self.settings = settings
            self.reason = reason
        }

        /// The customization that runs again.
        public var running: InstanceCustomization { InstanceCustomization(reference: from, module: fromModule) }
    }

    /// The instance was destroyed after its tenant's events were exported.
    public struct Destroyed: Codable, Sendable, Hashable {
        /// The absolute path of the export.
        public var exportFile: String
        /// How many events the export holds.
        public var exportedEvents: Int
        /// A destruction whose export is `exportFile`.
        public init(exportFile: String, exportedEvents: Int) {
            self.exportFile = exportFile
            self.exportedEvents = exportedEvents
        }
    }

    /// The recorded event type (`InstanceDeployed`, …).
    public var type: String {
        switch self {
        case .deployed: "InstanceDeployed"
        case .started: "InstanceStarted"
        case .stopped: "InstanceStopped"
        case .upgraded: "InstanceUpgraded"
        case .upgradeRolledBack: "InstanceUpgradeRolledBack"
        case .destroyed: "InstanceDestroyed"
        case .customizationChanged: "InstanceCustomizationChanged"
        case .customizationRolledBack: "InstanceCustomizationRolledBack"
        }
    }

    func newEvent(metadata: EventMetadata) throws -> NewEvent {
        switch self {
        case .deployed(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .started(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .stopped(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .upgraded(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .upgradeRolledBack(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .destroyed(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .customizationChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .customizationRolledBack(let data): try NewEvent(type: type, data: data, metadata: metadata)
        }
    }

    init?(_ event: RecordedEvent) throws {
        switch event.type {
        case "InstanceDeployed": self = .deployed(try event.decodeData(as: Deployed.self))
        case "InstanceStarted": self = .started(try event.decodeData(as: Started.self))
        case "InstanceStopped": self = .stopped(try event.decodeData(as: Stopped.self))
        case "InstanceUpgraded": self = .upgraded(try event.decodeData(as: Upgraded.self))
        case "InstanceUpgradeRolledBack": self = .upgradeRolledBack(try event.decodeData(as: UpgradeRolledBack.self))
        case "InstanceDestroyed": self = .destroyed(try event.decodeData(as: Destroyed.self))
        case "InstanceCustomizationChanged": self = .customizationChanged(try event.decodeData(as: CustomizationChanged.self))
        case "InstanceCustomizationRolledBack": self = .customizationRolledBack(try event.decodeData(as: CustomizationRolledBack.self))
        default: return nil
        }
    }
}
