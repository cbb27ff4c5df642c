import Foundation

/// The paths derived from the cluster directory alone, identical in every process that names the
/// same directory, so that they all find the same lock, socket and relocated cluster.
struct ClusterLayout: Sendable {
    /// Only names the socket file: the server does not listen on TCP.
    static let port = 5432
    static let socketFileName = ".s.PGSQL.\(port)"
    /// sun_path holds 107 bytes plus NUL; keep a margin for libpq and the server's ".lock" file.
    static let maximumSocketPathLength = 100

    /// Absolute and normalised (no ".", ".." or duplicate slashes); symlinks are kept, because the
    /// directory itself may be our relocation symlink.
    let directory: String
    /// Names the fallback socket directory and the relocated cluster.
    let hash: String

    init(directory: String) {
        self.directory = Self.absolutePath(directory)
        hash = StableHash.hex12(self.directory)
    }

    /// A sibling rather than a file inside, so that it exists before the directory is created or
    /// relocated and survives `destroy()` until the end of it.
    var lockPath: String { directory + ".lock" }

    var dataDirectory: String { directory + "/data" }

    /// Used when the server user cannot traverse the parents of `directory` (e.g. under /root).
    var relocationTarget: String { "/var/tmp/tenantry-\(hash)" }

    var fallbackSocketDirectory: String { "/tmp/tenantry-\(hash)" }

    var usesFallbackSocketDirectory: Bool {
        (directory + "/run/" + Self.socketFileName).utf8.count > Self.maximumSocketPathLength
    }

    /// Where clients find the socket.
    var socketDirectory: String {
        usesFallbackSocketDirectory ? fallbackSocketDirectory : directory + "/run"
    }

    /// Where the cluster physically lives: the relocation symlink's target, the directory itself, or
    /// nil when neither exists yet.
    func resolvedRoot() -> String? {
        guard let info = FileSystem.linkStatus(directory) else { return nil }
        guard FileSystem.isSymbolicLink(info) else { return directory }
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory) else { return nil }
        return target.hasPrefix("/") ? target : Self.absolutePath(FileSystem.parent(of: directory) + "/" + target)
    }

    func paths(root: String) -> ClusterPaths {
        ClusterPaths(
            root: root,
            serverSocketDirectory: usesFallbackSocketDirectory ? fallbackSocketDirectory : root + "/run")
    }

    /// Makes `path` absolute against the working directory and normalises it lexically.
    static func absolutePath(_ path: String) -> String {
        let base = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var components: [Substring] = []
        for component in base.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
