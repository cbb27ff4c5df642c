import Extensions
import Synchronization
import WasmKit

/// One instantiated module, called once at a time and reset after each call: its memory
/// restored to the bytes it had right after instantiation, its mutable globals (all exported,
/// checked at install) to their values then. A call that traps, or grows the memory, leaves the
/// instance unusable; the pool drops it. Instances cost a translation of every function they
/// call (about 250 µs for a small module), which reuse avoids.
final class SandboxInstance {
    /// Instances alive in this process, all modules together (`SandboxLimits.liveInstanceLimit`):
    /// the ones in calls and the ones parked in `IdleInstances`.
    private static let live = Atomic<Int>(0)

    let context: CallContext
    private let store: Store
    private let memory: Memory
    private let alloc: Function
    private let hooks: [WasmHook: Function]
    private let memorySnapshot: [UInt8]
    private let globalSnapshot: [(Global, Value)]
    private let limits: SandboxLimits
    /// The memory's declared maximum, in pages, for what a trap says.
    private let memoryPages: Int
    /// The bytes it holds: its memory and the snapshot it is reset from.
    var byteCost: Int { memory.byteCount + memorySnapshot.count }
    /// False once a call trapped or grew the memory.
    private(set) var isReusable = true

    /// Instantiates `module` in a store of `engine`; its start function, if any, runs within
    /// the validator fuel.
    init(_ module: CompiledModule, context: CallContext, engine: Engine = WasmEngines.calls) throws(HookTrap) {
        guard Self.live.add(1, ordering: .relaxed).newValue <= SandboxLimits.liveInstanceLimit else {
            Self.live.subtract(1, ordering: .relaxed)
            throw HookTrap(reason: "capacity", detail: "the host runs \(SandboxLimits.liveInstanceLimit) module instances already; try again")
        }
        do {
            let store = Store(engine: engine)
            store.fuel = Fuel(remaining: module.limits.validatorFuel)
            let imports = HostFunctions.imports(store: store, context: context, grantsHTTP: module.importsHTTP)
            context.begin(deadline: .now + module.limits.validatorBudget)
            let instance = try module.module.instantiate(store: store, imports: imports)
            guard let memory = instance.exports[memory: "memory"], let alloc = instance.exports[function: "tenantry_alloc"] else {
                throw HookTrap(reason: "trap", detail: "it does not export memory and tenantry_alloc")
            }
            var hooks: [WasmHook: Function] = [:]
            for hook in WasmHook.allCases {
                if let function = instance.exports[function: hook.export] { hooks[hook] = function }
            }
            self.store = store
            self.memory = memory
            self.alloc = alloc
            self.hooks = hooks
            self.memorySnapshot = memory.withUnsafeBufferPointer(offset: 0, count: memory.byteCount) { Array($0) }
            self.globalSnapshot = module.mutableGlobals.compactMap { name in instance.exports[global: name].map { ($0, $0.value) } }
            self.limits = module.limits
            self.memoryPages = module.memoryPages
            self.context = context
        } catch {
            Self.live.subtract(1, ordering: .relaxed)
            throw TrapClassification.trap(from: error, limits: (module.limits.validatorFuel, module.memoryPages))
        }
    }

    deinit {
        Self.live.subtract(1, ordering: .relaxed)
    }

    /// The exported function `hook`'s signature and `tenantry_alloc`'s, as ABI v1 has them.
    func signatureProblem() -> String? {
        guard alloc.type == WasmHook.allocType else { return "tenantry_alloc must be (i32) -> i32" }
        for (hook, function) in hooks where function.type != hook.type {
            return "\(hook.export) must be \(hook.type.parameters.map { "\($0)" }) -> \(hook.type.results.map { "\($0)" })"
        }
        return nil
    }

    /// Calls `hook` with `input` (written into memory the module allocates), within `fuel`
    /// units and until `deadline`; returns its answer's bytes (nil for 0) and the fuel used.
    func call(_ hook: WasmHook, input: [UInt8]?, fuel: UInt64, deadline: ContinuousClock.Instant) throws(HookTrap) -> (answer: [UInt8]?, fuelUsed: UInt64) {
        guard let function = hooks[hook] else {
            throw HookTrap(reason: "trap", detail: "it does not export \(hook.export)")
        }
        context.begin(deadline: deadline)
        store.fuel = Fuel(remaining: fuel)
        defer { reset() }
        do {
            let guest = GuestMemory(memory: memory)
            var arguments: [Value] = []
            if let input {
                let address = try alloc([.i32(UInt32(input.count))]).first?.i32 ?? 0
                guard address != 0 else {
                    throw HookTrap(reason: "memory", detail: "tenantry_alloc found no room for the \(input.count)-byte input within its \(memoryPages)-page memory")
                }
                try guest.write(input, at: address, what: "input")
                arguments = [.i32(address), .i32(UInt32(input.count))]
            }
            let packed = try function(arguments).first?.i64 ?? 0
            try context.checkDeadline()
            let used = fuel - (store.fuel?.remaining ?? 0)
            guard packed != 0 else { return (nil, used) }
            let answer = try guest.read(at: UInt32(truncatingIfNeeded: packed >> 32), count: UInt32(truncatingIfNeeded: packed), limit: SandboxLimits.answerByteLimit, what: "answer")
            return (answer, used)
        } catch {
            isReusable = false
            throw TrapClassification.trap(from: error, limits: (fuel, memoryPages))
        }
    }

    /// Restores memory and globals; an instance whose memory grew is not reused (its snapshot
    /// no longer covers it).
    private func reset() {
        guard isReusable, memory.byteCount == memorySnapshot.count else {
            isReusable = false
            return
        }
        memory.withUnsafeMutableBufferPointer(offset: 0, count: memorySnapshot.count) { target in
            memorySnapshot.withUnsafeBytes { target.copyMemory(from: $0) }
        }
        for (global, value) in globalSnapshot {
            do {
                try global.assign(value)
            } catch {
                isReusable = false
            }
        }
    }
}
