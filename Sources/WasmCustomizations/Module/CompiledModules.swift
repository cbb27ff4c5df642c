import Crypto
import Foundation
import Synchronization

/// The modules this process has compiled, by the sha256 of their bytes: a module is inspected
/// and trial-instantiated once per process, not on every load (a pooled tenant's first check,
/// a listing, an instance's start). Content-addressed, so an entry can never be stale; at most
/// `limit` are kept.
enum CompiledModules {
    static let limit = 32
    private static let cache = Mutex<[String: CompiledModule]>([:])

    /// The compiled module of `bytes`, from the cache or compiled now.
    static func compile(_ bytes: [UInt8]) throws(ModuleRefusal) -> CompiledModule {
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        if let known = cache.withLock({ $0[sha256] }) { return known }
        let module = try CompiledModule(bytes: bytes)
        cache.withLock { cache in
            if cache.count >= limit { cache.removeAll() }
            cache[module.sha256] = module
        }
        return module
    }
}
