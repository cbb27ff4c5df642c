#if canImport(Glibc)
import CMalloc
#endif

/// Memory the process freed but the allocator still holds.
///
/// Folding the live views' first catch-up (a million flag overrides in `bench flags`) frees
/// about twice what it keeps: decoded events, pages, and the smaller tables each flag's
/// overrides outgrew. glibc returns freed memory at the top of its heaps by itself, but not the
/// holes between what is kept, so the server's resident size stays at the fold's peak
/// (`Docs/benchmarks.md`: 430–455 MB where the catalog holds under 70 MB).
enum FreedMemory {
    /// Gives the system back the whole pages that free memory spans in every arena
    /// (`malloc_trim(0)`, which uses `madvise(MADV_DONTNEED)`): nothing in use moves, and the
    /// pages are mapped again when needed. A few milliseconds; for after a large fold, not for
    /// a hot path.
    ///
    /// glibc only: elsewhere (macOS, musl) it does nothing.
    static func release() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
