public import Extensions

/// The host's caps on what a module may use. A manifest may ask for less (`limits`), never for
/// more: the host takes the smaller.
public struct SandboxLimits: Sendable, Hashable {
    /// The largest module installed.
    public static let moduleByteLimit = 256 * 1024
    /// About 5 ms of this interpreter's work (≈ 2.4 ns a unit, measured in `benchmarks.md`):
    /// fuel, not time, is what bounds a validator's CPU.
    public static let validatorFuelCap: UInt64 = 2_000_000
    /// A compiled validator's budget (`CustomizationHooks.defaultValidatorBudget`): what a caller
    /// may wait when the module waits on the network, or the machine is busy.
    public static let validatorBudgetCap: Duration = CustomizationHooks.defaultValidatorBudget
    public static let reactionFuelCap: UInt64 = 50_000_000
    public static let reactionBudgetCap: Duration = CustomizationHooks.defaultReactionBudget
    /// 64 KiB pages a module's memory may declare at most, when the manifest does not ask.
    public static let defaultMemoryPages = 16
    /// 16 MiB: the most any module may ask for.
    public static let memoryPagesCap = 256
    /// The most tables a module may define.
    public static let tableLimit = 4
    /// The most elements a table may declare.
    public static let tableElementLimit = 10_000
    /// The most `tenantry.http` requests one call may make.
    public static let requestsPerCall = 8
    /// The largest answer read out of a module's memory.
    public static let answerByteLimit = 64 * 1024
    /// Module instances alive at once in this process, all customizations together (in calls
    /// and parked): a call that would make one more fails rather than allocate it. Parked ones
    /// stay within `IdleInstances`' memory budget, so calls in flight always have most of it.
    public static let liveInstanceLimit = 128

    /// Fuel for one validator or flag-default call.
    public let validatorFuel: UInt64
    public let validatorBudget: Duration
    /// Fuel for one reaction delivery.
    public let reactionFuel: UInt64
    public let reactionBudget: Duration
    /// The most pages the module's memory may declare.
    public let memoryPages: Int

    /// The limits for a module that asks for `requested`.
    public init(_ requested: ModuleManifest.RequestedLimits) {
        validatorFuel = min(requested.fuel ?? Self.validatorFuelCap, Self.validatorFuelCap)
        reactionFuel = min(requested.fuel ?? Self.reactionFuelCap, Self.reactionFuelCap)
        let asked = requested.budgetMilliseconds.map { Duration.milliseconds(max($0, 1)) }
        validatorBudget = min(asked ?? Self.validatorBudgetCap, Self.validatorBudgetCap)
        reactionBudget = min(asked ?? Self.reactionBudgetCap, Self.reactionBudgetCap)
        memoryPages = min(max(requested.memoryPages ?? Self.defaultMemoryPages, 1), Self.memoryPagesCap)
    }
}
