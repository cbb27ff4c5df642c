import Extensions
import Foundation
import Logging
import Synchronization

/// The instances of one module with one deployment's settings, reused call after call. A pool
/// is never shared between settings (or tenants), so a reset instance, which keeps its tables,
/// never carries anything to another customer.
final class InstancePool: Sendable {
    /// Idle instances kept; more run at once when callers need them, then are dropped.
    static let idleLimit = 8

    let module: CompiledModule
    private let settings: [String: String]
    private let logger: Logger
    private let outbound: OutboundHTTP?
    private let idle = Mutex<[PooledInstance]>([])

    init(module: CompiledModule, settings: CustomizationSettings, logger: Logger, outbound: OutboundHTTP?) {
        self.module = module
        self.settings = settings.values
        self.logger = logger
        self.outbound = outbound
    }

    /// Calls `hook` on an idle instance (or a new one), then keeps the instance if it is still
    /// reusable. Counts fuel and traps per customization.
    func call(_ hook: WasmHook, input: [UInt8]?, fuel: UInt64, deadline: ContinuousClock.Instant) throws(HookTrap) -> [UInt8]? {
        let instance: SandboxInstance
        if let reused = idle.withLock({ $0.popLast() }) {
            instance = reused.instance
        } else {
            instance = try SandboxInstance(module, context: CallContext(customization: module.manifest.id, settings: settings, logger: logger, outbound: outbound))
        }
        do {
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
        guard instance.isReusable else { return }
        idle.withLock { idle in
            if idle.count < Self.idleLimit { idle.append(PooledInstance(instance: instance)) }
        }
    }
}

/// An idle instance in a pool's list.
///
/// `@unchecked Sendable`: a `SandboxInstance` (WasmKit's `Store` and `Instance` within) is not
/// thread-safe, but a pooled one is touched by no one: it is taken out of the list under the
/// pool's lock by exactly one call, used by that call alone, and put back (or dropped) when the
/// call has returned. It is never reachable from two calls at once.
private struct PooledInstance: @unchecked Sendable {
    let instance: SandboxInstance
}
