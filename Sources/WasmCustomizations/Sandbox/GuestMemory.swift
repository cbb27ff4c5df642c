import Extensions
import WasmKit

/// Reads and writes a module's memory at addresses the module gave, checked first: WasmKit's
/// accessors stop the process on an address out of range, so nothing from a guest reaches
/// them unchecked.
struct GuestMemory {
    let memory: Memory

    /// `count` bytes at `address`, at most `limit`; a trap when the range is not inside memory.
    func read(at address: UInt32, count: UInt32, limit: Int, what: String) throws(HookTrap) -> [UInt8] {
        guard Int(count) <= limit else {
            throw HookTrap(reason: "too-large", detail: "its \(what) is \(count) bytes; at most \(limit)")
        }
        try check(address, Int(count), what: what)
        return memory.withUnsafeBufferPointer(offset: UInt(address), count: Int(count)) { Array($0) }
    }

    /// Writes `bytes` at `address`; a trap when they do not fit.
    func write(_ bytes: [UInt8], at address: UInt32, what: String) throws(HookTrap) {
        try check(address, bytes.count, what: what)
        guard !bytes.isEmpty else { return }
        memory.withUnsafeMutableBufferPointer(offset: UInt(address), count: bytes.count) { target in
            bytes.withUnsafeBytes { target.copyMemory(from: $0) }
        }
    }

    private func check(_ address: UInt32, _ count: Int, what: String) throws(HookTrap) {
        guard Int(address) + count <= memory.byteCount else {
            throw HookTrap(reason: "memory", detail: "its \(what) (\(count) bytes at \(address)) is outside its \(memory.byteCount)-byte memory")
        }
    }
}
