import Foundation

extension EmbeddedCluster {
    /// How the server trades durability for speed.
    ///
    /// Both profiles listen on the unix socket only, use 128MB of shared buffers and 2GB of WAL
    /// between checkpoints, and log to `postgres.log` in the cluster directory. The profile is
    /// applied whenever the server starts, so a running server keeps the profile it started with.
    public enum Profile: Sendable {
        /// Crash-safe PostgreSQL defaults, up to 200 connections.
        case development
        /// No fsync, asynchronous commit and no full-page writes: fast, but a machine crash loses
        /// the cluster. Up to 400 connections, for test suites that open many pools.
        case testing
    }
}

extension EmbeddedCluster.Profile {
    /// The postgresql.conf lines for this profile, with the server's socket in `socketDirectory`,
    /// followed by `additional` settings (sorted by name, values quoted).
    func configuration(socketDirectory: String, additional: [String: String] = [:]) -> String {
        var settings: [(name: String, value: String)] = [
            ("listen_addresses", "''"),
            ("port", String(ClusterLayout.port)),
            ("unix_socket_directories", Self.quoted(socketDirectory)),
            // Only the server user (and root) may connect; authentication is trust.
            ("unix_socket_permissions", "0700"),
            ("shared_buffers", "'128MB'"),
            ("max_wal_size", "'2GB'"),
        ]
        switch self {
        case .development:
            settings.append(("max_connections", "200"))
        case .testing:
            settings += [
                // Every test runs in parallel with its own pools, servers and listeners (a
                // server holds about 20, most of them idle): the whole suite peaked near 950.
                ("max_connections", "2500"),
                ("fsync", "off"),
                ("synchronous_commit", "off"),
                ("full_page_writes", "off"),
            ]
        }
        settings += additional.sorted { $0.key < $1.key }.map { ($0.key, Self.quoted($0.value)) }
        let header = "# Written by Tenantry's EmbeddedCluster on every start; edits are overwritten.\n"
        return header + settings.map { "\($0.name) = \($0.value)\n" }.joined()
    }

    /// A postgresql.conf string literal.
    static func quoted(_ value: String) -> String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
        return "'" + escaped + "'"
    }
}
