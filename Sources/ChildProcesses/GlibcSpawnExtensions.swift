#if canImport(Glibc)
import Foundation
import Glibc

/// glibc's posix_spawn extensions, which Swift's Glibc module does not import (they need
/// _GNU_SOURCE), looked up at run time.
enum GlibcSpawnExtensions {
    private typealias Chdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32
    private typealias ClosePrefix = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// Makes the child start in `directory` (glibc 2.29+).
    static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, to directory: String) throws {
        guard let symbol = lookup("posix_spawn_file_actions_addchdir_np") else { return }
        let result = unsafeBitCast(symbol, to: Chdir.self)(&actions, directory)
        guard result == 0 else { throw failure("set the working directory of", result) }
    }

    /// Closes every descriptor from `lowest` up in the child.
    ///
    /// Descriptors other threads open without close-on-exec (libraries do) must not leak into a
    /// child, least of all into a daemon it leaves running. glibc 2.34+ does this atomically;
    /// older ones get an explicit close for every descriptor open now.
    static func closeDescriptors(_ actions: inout posix_spawn_file_actions_t, from lowest: Int32) throws {
        if let symbol = lookup("posix_spawn_file_actions_addclosefrom_np") {
            let result = unsafeBitCast(symbol, to: ClosePrefix.self)(&actions, lowest)
            guard result == 0 else { throw failure("close descriptors of", result) }
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor >= lowest {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    private static func lookup(_ name: String) -> UnsafeMutableRawPointer? {
        // dlopen(nil) is the global scope, which includes libc.
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(handle) }
        return dlsym(handle, name)
    }

    private static func failure(_ action: String, _ code: Int32) -> ChildProcessError {
        ChildProcessError("could not \(action) a child process: \(String(cString: strerror(code)))")
    }
}
#endif
