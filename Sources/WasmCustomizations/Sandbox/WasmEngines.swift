import WasmKit

/// The two engines every module shares: both interpret (no machine code is generated), meter
/// fuel and check bounds in software (WasmKit's `mprotect` checking installs process-wide
/// signal handlers, which this process does not give away).
enum WasmEngines {
    /// Calls: functions are translated when first called.
    static let calls = Engine(configuration: EngineConfiguration(compilationMode: .lazy, memoryBoundsChecking: .software, fuelMetering: true))
    /// Installation: every function is translated, and so validated, at once (a lazy engine
    /// would accept an invalid body until it is first called).
    static let validation = Engine(configuration: EngineConfiguration(compilationMode: .eager, memoryBoundsChecking: .software, fuelMetering: true))
}
