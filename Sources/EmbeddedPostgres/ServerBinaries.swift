import Foundation
import Synchronization

/// The directory holding initdb, pg_ctl and postgres.
struct ServerBinaries: Sendable {
    /// Where Debian installs one directory per major version.
    static let debianRoot = "/usr/lib/postgresql"
    /// Overrides the search, e.g. for a self-built PostgreSQL.
    static let overrideVariable = "TENANTRY_PG_BINDIR"
    static let requiredTools = ["initdb", "pg_ctl", "postgres"]

    let directory: String

    var initdb: String { directory + "/initdb" }
    var pgCtl: String { directory + "/pg_ctl" }
    var postgres: String { directory + "/postgres" }

    /// Finds the server binaries: the override, else the Debian directory matching the cluster's
    /// major version (a cluster cannot be started by another major version), else the newest one,
    /// else `pg_config --bindir`.
    static func locate(preferredMajor: String?) throws -> ServerBinaries {
        if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
            let missing = missingTools(in: override)
            guard missing.isEmpty else {
                throw EmbeddedPostgresError(
                    "\(overrideVariable)=\(override) does not contain \(missing.joined(separator: ", "))")
            }
            return ServerBinaries(directory: override)
        }
        let candidates = debianCandidates()
        if let preferredMajor, let match = candidates.first(where: { $0.major == preferredMajor }) {
            return ServerBinaries(directory: match.directory)
        }
        if let newest = candidates.first {
            return ServerBinaries(directory: newest.directory)
        }
        if let directory = pgConfigBinDirectory, missingTools(in: directory).isEmpty {
            return ServerBinaries(directory: directory)
        }
        throw EmbeddedPostgresError(
            "PostgreSQL server binaries not found under \(debianRoot): install the Debian package postgresql "
                + "(or set \(overrideVariable) to a directory containing \(requiredTools.joined(separator: ", ")))")
    }

    /// The full server version, e.g. "15.14", from `postgres --version` (cached per binary).
    var version: String? {
        if let cached = Self.versionCache.withLock({ $0[postgres] }) {
            return cached
        }
        // --version is answered before PostgreSQL's refusal to run as root, so no runuser needed.
        guard let result = try? ProcessRunner.run(postgres, ["--version"], as: nil), result.succeeded,
            let version = Self.parseVersion(result.text)
        else { return nil }
        Self.versionCache.withLock { $0[postgres] = version }
        return version
    }

    /// The major version ("15", or "9.6" before PostgreSQL 10) of a full version string.
    static func major(of version: String) -> String {
        let parts = version.split(separator: ".")
        guard let first = parts.first, let number = Int(first) else { return version }
        if number >= 10 || parts.count < 2 { return String(number) }
        return "\(number).\(parts[1])"
    }

    /// Extracts "15.14" from "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)".
    static func parseVersion(_ output: String) -> String? {
        guard let marker = output.range(of: "(PostgreSQL) ") else { return nil }
        let version = output[marker.upperBound...].prefix { !$0.isWhitespace }
        return version.isEmpty ? nil : String(version)
    }

    private static let versionCache = Mutex<[String: String]>([:])

    private static func missingTools(in directory: String) -> [String] {
        requiredTools.filter { !FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
    }

    /// Complete Debian installations, newest first.
    private static func debianCandidates() -> [(major: String, directory: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? []
        return names.compactMap { name -> (key: [Int], major: String, directory: String)? in
            let key = name.split(separator: ".").compactMap { Int($0) }
            let directory = "\(debianRoot)/\(name)/bin"
            guard !key.isEmpty, missingTools(in: directory).isEmpty else { return nil }
            return (key, name, directory)
        }
        .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        .reversed()
        .map { ($0.major, $0.directory) }
    }

    /// `pg_config --bindir`, asked once per process because it is a fallback that may be slow.
    private static let pgConfigBinDirectory: String? = {
        let pgConfig = ["/usr/bin/pg_config", "/usr/local/bin/pg_config", "/opt/homebrew/bin/pg_config"]
            .first(where: FileManager.default.isExecutableFile(atPath:))
        guard let pgConfig, let result = try? ProcessRunner.run(pgConfig, ["--bindir"], as: nil), result.succeeded
        else { return nil }
        let directory = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return directory.isEmpty ? nil : directory
    }()
}
