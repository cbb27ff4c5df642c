import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` that serialises cluster changes across processes and threads (each call
/// opens its own file description, so threads of one process exclude each other too).
enum FileLock {
    /// Runs `body` while holding the lock on `path`, creating the file if needed.
    static func withExclusiveLock<T>(at path: String, _ body: () throws -> T) throws -> T {
        let fd = try acquire(path)
        // Closing the descriptor releases the lock, also when body throws.
        defer { close(fd) }
        return try body()
    }

    private static func acquire(_ path: String) throws -> Int32 {
        while true {
            // O_CLOEXEC: a postmaster spawned under the lock must not inherit it and hold it forever.
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw FileSystem.posixError("open lock file", path) }
            var result: Int32
            repeat {
                result = flock(fd, LOCK_EX)
            } while result != 0 && errno == EINTR
            guard result == 0 else {
                let error = FileSystem.posixError("lock", path)
                close(fd)
                throw error
            }
            // destroy() unlinks the lock file while holding it; whoever was waiting on that old inode
            // holds nothing that a newcomer, who creates a new file, would respect.
            var held = stat()
            var current = stat()
            if fstat(fd, &held) == 0, stat(path, &current) == 0,
                held.st_ino == current.st_ino, held.st_dev == current.st_dev
            {
                return fd
            }
            close(fd)
        }
    }
}
