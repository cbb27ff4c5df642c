public import Foundation

/// A tenant's instance as its events leave it.
public struct InstanceRecord: Sendable, Hashable {
    /// What the last recorded event left the instance in.
    public enum Status: String, Sendable {
        /// Files rendered and recorded; no local process running.
        case deployed
        case running
        case stopped
        case destroyed
    }

    /// The last deployment.
    public private(set) var deployment: InstanceEvent.Deployed
    /// The recorded status (whether a local process still runs is not recorded).
    public private(set) var status: Status
    /// The running (or last) local process.
    public private(set) var process: InstanceEvent.Started?
    /// The release of the last upgrade, else the deployment's.
    public private(set) var release: String
    /// The customization of the last change (or rollback), else the deployment's.
    public private(set) var customization: InstanceCustomization
    /// The settings `customization` runs with (secret ones as `sha256:<hex>`).
    public private(set) var settings: [String: String]
    /// The stream version it was read at: a change is appended only after it.
    public private(set) var version: Int64
    /// When the last event was recorded.
    public private(set) var updatedAt: Date

    init?(folding events: [(InstanceEvent, Date)], version: Int64) {
        guard case .deployed(let first)? = events.first?.0 else { return nil }
        deployment = first
        status = .deployed
        release = first.release
        customization = Self.customization(of: first)
        settings = first.settings
        self.version = version
        updatedAt = events.first?.1 ?? Date()
        for (event, time) in events { apply(event, at: time) }
    }

    private mutating func apply(_ event: InstanceEvent, at time: Date) {
        updatedAt = time
        switch event {
        case .deployed(let deployed):
            deployment = deployed
            release = deployed.release
            customization = Self.customization(of: deployed)
            settings = deployed.settings
            if status == .destroyed { status = .deployed }
        case .started(let started):
            process = started
            release = started.release
            status = .running
        case .stopped:
            status = .stopped
        case .upgraded(let upgrade):
            release = upgrade.to
        case .upgradeRolledBack(let rollback):
            release = rollback.from
        case .destroyed:
            status = .destroyed
            process = nil
        case .customizationChanged(let change):
            customization = change.running
            settings = change.settings
        case .customizationRolledBack(let rollback):
            customization = rollback.running
            settings = rollback.settings
        }
    }

    private static func customization(of deployed: InstanceEvent.Deployed) -> InstanceCustomization {
        InstanceCustomization(id: deployed.customizationId, version: deployed.customizationVersion, module: deployed.customizationModule)
    }
}
