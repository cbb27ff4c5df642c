/// The files of a cluster at its physical location, as the server user must be given them: the
/// path through a relocation symlink under /root is not traversable by that user.
struct ClusterPaths: Sendable {
    let root: String
    let serverSocketDirectory: String

    var data: String { root + "/data" }
    var log: String { root + "/postgres.log" }
    /// Rewritten on every start and included from postgresql.conf.
    var settings: String { data + "/" + Self.settingsFileName }
    var pidFile: String { data + "/postmaster.pid" }
    var versionFile: String { data + "/PG_VERSION" }
    var socketLockFile: String { serverSocketDirectory + "/" + ClusterLayout.socketFileName + ".lock" }
    var socketFile: String { serverSocketDirectory + "/" + ClusterLayout.socketFileName }

    static let settingsFileName = "tenantry.conf"
    /// Prefix of the directories initdb fills before they are renamed to `data`.
    static let initPrefix = "data.tmp-"
}
