extension EmbeddedCluster {
    /// A snapshot of a cluster's state.
    public struct Status: Sendable, Equatable {
        /// True when the postmaster is alive, has finished starting up and its socket exists.
        public var isRunning: Bool
        /// The postmaster's pid while it is alive, including while it starts up or shuts down.
        public var pid: Int32?
        /// The cluster's data directory, as `EmbeddedCluster.dataDirectory`.
        public var dataDirectory: String
        /// The directory holding the server's unix socket, as `EmbeddedCluster.socketDirectory`.
        public var socketDirectory: String
        /// The server version, e.g. "15.14" (only the major version, e.g. "15", when the matching
        /// binaries are not installed); nil before the cluster is initialised.
        public var serverVersion: String?

        /// Creates a status; clusters produce these through `EmbeddedCluster.status()`.
        public init(
            isRunning: Bool, pid: Int32?, dataDirectory: String, socketDirectory: String, serverVersion: String?
        ) {
            self.isRunning = isRunning
            self.pid = pid
            self.dataDirectory = dataDirectory
            self.socketDirectory = socketDirectory
            self.serverVersion = serverVersion
        }
    }
}
