public import Foundation
import EventStore

/// What happens to a tenant's single-tenant instance, recorded on `instance-<tenant id>` in the
/// control plane (actor and reason in the metadata).
public enum InstanceEvent: Sendable, Hashable {
    case deployed(Deployed)
    case started(Started)
    case stopped(Stopped)
    case upgraded(Upgraded)
    case upgradeRolledBack(UpgradeRolledBack)
    case destroyed(Destroyed)

    /// The instance was deployed (or redeployed with other settings).
    public struct Deployed: Codable, Sendable, Hashable {
        public var tenantId: UUID
        public var slug: String
        public var customizationId: String
        public var customizationVersion: String
        public var release: String
        /// Secret settings are recorded as `sha256:<hex>` of their value, never the value.
        public var settings: [String: String]
        /// `local` or `kubernetes`.
        public var target: String
        /// Where the deployment files were rendered.
        public var directory: String
        public var port: Int
        public var database: String
    }

    /// A local instance process was started.
    public struct Started: Codable, Sendable, Hashable {
        public var processId: Int32
        public var port: Int
        public var release: String
        /// The copy of the binary the process runs (kept per release, for rollback).
        public var binary: String

        public init(processId: Int32, port: Int, release: String, binary: String) {
            self.processId = processId
            self.port = port
            self.release = release
            self.binary = binary
        }
    }

    public struct Stopped: Codable, Sendable, Hashable {
        public var processId: Int32
        public init(processId: Int32) { self.processId = processId }
    }

    public struct Upgraded: Codable, Sendable, Hashable {
        public var from: String
        public var to: String
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// An upgrade whose new release did not become ready: the previous one runs again.
    public struct UpgradeRolledBack: Codable, Sendable, Hashable {
        public var from: String
        public var to: String
        public var reason: String
        public init(from: String, to: String, reason: String) {
            self.from = from
            self.to = to
            self.reason = reason
        }
    }

    public struct Destroyed: Codable, Sendable, Hashable {
        public var exportFile: String
        public var exportedEvents: Int
        public init(exportFile: String, exportedEvents: Int) {
            self.exportFile = exportFile
            self.exportedEvents = exportedEvents
        }
    }

    public var type: String {
        switch self {
        case .deployed: "InstanceDeployed"
        case .started: "InstanceStarted"
        case .stopped: "InstanceStopped"
        case .upgraded: "InstanceUpgraded"
        case .upgradeRolledBack: "InstanceUpgradeRolledBack"
        case .destroyed: "InstanceDestroyed"
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
        default: return nil
        }
    }
}
