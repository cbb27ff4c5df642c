/// A hook stopped by its sandbox rather than failing on its own: a WebAssembly module trapped,
/// ran out of fuel or memory, or called what it was not granted. `CustomizationHost` reports it
/// as `CustomizationError.Kind.trapped`, counted apart from failures.
public struct HookTrap: Error, Sendable, Hashable, CustomStringConvertible {
    /// A short fixed word for metrics and logs: `out-of-fuel`, `memory`, `http-not-allowed`, …
    public let reason: String
    /// One line for the caller; never a backtrace or a host address.
    public let detail: String

    public init(reason: String, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { detail }
}
