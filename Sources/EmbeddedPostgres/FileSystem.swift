import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX wrappers: ownership, modes and symlinks matter here, and FileManager hides or
/// follows them.
enum FileSystem {
    /// The `lstat` of `path`, or nil when it does not exist (or cannot be inspected).
    static func linkStatus(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    static func exists(_ path: String) -> Bool {
        linkStatus(path) != nil
    }

    static func isDirectory(_ info: stat) -> Bool {
        (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isSymbolicLink(_ info: stat) -> Bool {
        (info.st_mode & S_IFMT) == S_IFLNK
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// The error for a failed POSIX call; call right after the failure, before errno changes.
    static func posixError(_ action: String, _ path: String) -> EmbeddedPostgresError {
        let reason = String(cString: strerror(errno))
        return EmbeddedPostgresError("could not \(action) \(path): \(reason)")
    }

    /// Creates `path` (mode 0700) if missing and makes it a private directory of `account`
    /// (or of the current user when `account` is nil).
    ///
    /// In a world-writable parent such as /tmp another user could have created the directory first
    /// to read our sockets or data, so there an existing directory must already belong to us.
    static func ensurePrivateDirectory(_ path: String, owner account: ServerAccount?) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw posixError("create directory", path)
        }
        guard let info = linkStatus(path) else { throw posixError("inspect", path) }
        guard isDirectory(info) else {
            throw EmbeddedPostgresError("\(path) exists but is not a directory")
        }
        let me = geteuid()
        let wanted = account?.uid ?? me
        if isWorldWritable(parent(of: path)), info.st_uid != wanted, info.st_uid != me {
            throw EmbeddedPostgresError(
                "\(path) belongs to uid \(info.st_uid), not to the PostgreSQL server user; "
                    + "refusing to use a directory someone else created in a shared location (remove it)")
        }
        if let account, info.st_uid != account.uid || info.st_gid != account.gid {
            guard chown(path, account.uid, account.gid) == 0 else { throw posixError("change owner of", path) }
        }
        if info.st_mode & 0o7777 != 0o700 {
            guard chmod(path, 0o700) == 0 else { throw posixError("change mode of", path) }
        }
    }

    /// Gives a file we wrote as root to the server user, readable by it alone.
    static func handOver(_ path: String, to account: ServerAccount?) throws {
        if let account {
            guard chown(path, account.uid, account.gid) == 0 else { throw posixError("change owner of", path) }
        }
        guard chmod(path, 0o600) == 0 else { throw posixError("change mode of", path) }
    }

    static func isWorldWritable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & 0o002 != 0
    }

    /// Removes a file, directory tree or symlink (not its target); missing paths are fine.
    static func remove(_ path: String) throws {
        guard exists(path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw EmbeddedPostgresError("could not remove \(path): \(error.localizedDescription)")
        }
    }

    /// The whole file, read with plain `read(2)` because /proc files report a size of zero.
    static func contents(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readToEnd(fd)
    }

    /// Everything from the current offset of `fd` to its end.
    static func readToEnd(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func size(_ path: String) -> Int64? {
        linkStatus(path).map { Int64($0.st_size) }
    }

    /// The last lines of the file written after byte `offset` (the whole file when nil), bounded to
    /// the final 64 KiB so that a huge log costs nothing.
    static func tail(of path: String, from offset: Int64? = nil, lines: Int = 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let end = Int64(info.st_size)
        let start = max(offset ?? 0, end - 65_536, 0)
        guard start < end, lseek(fd, off_t(start), SEEK_SET) >= 0, let text = readToEnd(fd) else { return nil }
        let tail = EmbeddedPostgresError.lastLines(of: text, count: lines)
        return tail.isEmpty ? nil : tail
    }
}
