public import Provisioning
public import ServiceLifecycle

/// Provisions tenants the feed shows still provisioning, as `tenant worker` does, until the
/// server shuts down.
public struct ProvisioningWorker: Service, CustomStringConvertible {
    public let manager: ProvisioningProcessManager

    public init(manager: ProvisioningProcessManager) {
        self.manager = manager
    }

    public func run() async throws {
        try await runUntilShutdown { [manager] in try await manager.run() }
    }

    public var description: String { "ProvisioningProcessManager" }
}
