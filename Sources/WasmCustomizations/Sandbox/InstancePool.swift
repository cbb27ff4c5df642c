import Extensions
import Foundation
import Logging
import Synchronization

/// The instances of one module with one deployment's settings, reused call after call (parked
/// between calls in `IdleInstances`, within the process's budget). A pool is never shared
/// between settings (or tenants), so a reset instance, which keeps its tables, never carries
/// anything to another customer.
final class InstancePool: Sendable {
    let module: CompiledModule
    private let settings: [String: String]
    private let logger: Logger
    private let outbound: OutboundHTTP?
    private let reusesInstances: Bool

    init(module: CompiledModule, settings: CustomizationSettings, logger: Logger, outbound: OutboundHTTP?, reusesInstances: Bool = true) {
        self.module = module
        self.settings = settings.values
        self.logger = logger
        self.outbound = outbound
        self.reusesInstances = reusesInstances
    }

    /// Calls `hook` on an idle instance (or a new one), then keeps the instance if it is still
    /// reusable. Counts fuel and traps per customization.
    func call(_ hook: WasmHook, input: [UInt8]?, fuel: UInt64, deadline: ContinuousClock.Instant) throws(HookTrap) -> [UInt8]? {
        do throws(HookTrap) {
            let instance: SandboxInstance
            if let idle = IdleInstances.shared.take(for: ObjectIdentifier(self)) {
                instance = idle
            } else {
                instance = try SandboxInstance(module, context: CallContext(customization: module.manifest.id, settings: settings, logger: logger, outbound: outbound))
            }
            let (answer, used) = try instance.call(hook, input: input, fuel: fuel, deadline: deadline)
            WasmMetrics.fuelUsed(used, by: module.manifest.id)
            release(instance)
            return answer
        } catch {
            WasmMetrics.trapped(error.reason, in: module.manifest.id)
            throw error
        }
    }

    /// Runs `call` where it may block: on a thread of its own for a module that may wait for the
    /// network (`tenantry.http`), inline otherwise (fuel bounds it to milliseconds).
    func run(_ hook: WasmHook, input: [UInt8]?, fuel: UInt64, budget: Duration) async throws -> [UInt8]? {
        let deadline = ContinuousClock.now + budget
        guard module.importsHTTP else {
            return try call(hook, input: input, fuel: fuel, deadline: deadline)
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
            let thread = Thread { [self] in
                do {
                    continuation.resume(returning: try call(hook, input: input, fuel: fuel, deadline: deadline))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "tenantry-wasm"
            thread.start()
        }
    }

    private func release(_ instance: SandboxInstance) {
        guard reusesInstances, instance.isReusable else { return }
        IdleInstances.shared.park(instance, for: ObjectIdentifier(self))
    }

    deinit {
        IdleInstances.shared.drop(ObjectIdentifier(self))
    }
}
