import Extensions
import WasmKit

/// Turns what a call into a module threw into a `HookTrap`: a short reason for metrics and a
/// line for the caller. WasmKit's `Trap` exposes only its description (reason, then a
/// backtrace with host addresses), so the first line is read, and the backtrace never leaves.
enum TrapClassification {
    static func trap(from error: any Error, limits: (fuel: UInt64, memoryPages: Int)) -> HookTrap {
        if let trap = error as? HookTrap { return trap }
        let firstLine = "\(error)".split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let message = firstLine.hasPrefix("Trap: ") ? String(firstLine.dropFirst(6)) : firstLine
        switch message {
        case "out of fuel":
            return HookTrap(reason: "out-of-fuel", detail: "it ran out of fuel (\(limits.fuel) units a call): an endless or too long loop")
        case "out of bounds memory access":
            return HookTrap(reason: "memory", detail: "it accessed memory outside its \(limits.memoryPages)-page limit")
        case "call stack exhausted":
            return HookTrap(reason: "stack", detail: "it exhausted its call stack")
        case "unreachable":
            return HookTrap(reason: "unreachable", detail: "it reached an unreachable instruction (it aborted)")
        default:
            return HookTrap(reason: "trap", detail: "it trapped: \(message.prefix(200))")
        }
    }
}
