/// An idle instance in the list.
///
/// `@unchecked Sendable`: a `SandboxInstance` (WasmKit's `Store` and `Instance` within) is not
/// thread-safe, but a parked one is touched by no one: it is taken out of the list under the
/// lock by exactly one call, used by that call alone, and parked again (or dropped) when the
/// call has returned. It is never reachable from two calls at once.
struct PooledInstance: @unchecked Sendable {
    let instance: SandboxInstance
}
