public import Logging
public import Provisioning
public import ServiceLifecycle

/// Records each tenant's first successful flag evaluation (`TenantService.recordActivation`:
/// TenantActivated, once per tenant even across servers) as `ActivationSignal` reports them,
/// until the server shuts down. A recording that fails is logged and the tenant forgotten by the
/// signal, so its next evaluation tries again; one still queued at shutdown is lost the same
/// harmless way (the tenant is still not activated, so its next evaluation signals it again).
public struct ActivationWorker: Service, CustomStringConvertible {
    public let signal: ActivationSignal
    public let tenants: TenantService
    let logger: Logger

    public init(signal: ActivationSignal, tenants: TenantService, logger: Logger = Logger(label: "tenantry.activation")) {
        self.signal = signal
        self.tenants = tenants
        self.logger = logger
    }

    public func run() async throws {
        try await runUntilShutdown { [signal, tenants, logger] in
            for await activation in signal.activations {
                do {
                    try await tenants.recordActivation(activation.tenantID, keyID: activation.keyID, at: activation.at)
                } catch {
                    if Task.isCancelled { return }
                    logger.warning(
                        "could not record a tenant's activation",
                        metadata: ["tenant": "\(activation.tenantID.uuidString.lowercased())", "error": "\(error)"]
                    )
                    signal.forget(activation.tenantID)
                }
            }
        }
    }

    public var description: String { "ActivationWorker" }
}
