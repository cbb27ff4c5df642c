#if canImport(Glibc)
import CMalloc
#endif
import Foundation

/// How many heaps glibc's allocator keeps for the process's threads.
///
/// glibc gives threads that allocate at the same time heaps of their own, up to eight per
/// processor. A server's threads (event loops, the concurrency pool, libpq's) all fold and
/// decode at start: each heap keeps the holes its share of the freed garbage left between what
/// stays, and `malloc_trim` can give back only whole free pages. With one heap per processor
/// the server's resident size with `bench flags`' catalog drops from 144–152 to 117–125 MB
/// (`Docs/benchmarks.md`); a thread waits for a heap only when more threads allocate at once
/// than there are processors to run them.
public enum AllocatorArenas {
    /// Limits the heaps to one per processor (`mallopt(M_ARENA_MAX, …)`). Call it first
    /// thing in a server process: threads that already have a heap keep it. An explicit
    /// `MALLOC_ARENA_MAX` in the environment wins.
    ///
    /// glibc only: elsewhere (macOS, musl) it does nothing.
    public static func limitToProcessorCount(environment: [String: String]) {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = mallopt(M_ARENA_MAX, Int32(clamping: ProcessInfo.processInfo.activeProcessorCount))
        #endif
    }
}
