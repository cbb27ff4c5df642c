import EmbeddedPostgres
import Foundation
import PostgresClient
import Tenantry

/// What the numbers were measured on: cores, CPU, memory, PostgreSQL and its settings. Ratios
/// travel between machines better than rates, but neither travels without these.
struct MachineFacts: Sendable {
    let processors: Int
    let cpuModel: String
    let memoryBytes: UInt64?
    /// /proc/loadavg's 1, 5 and 15 minute figures at the start: other work on the machine
    /// skews both sides, but not necessarily equally.
    let loadAverage: String
    let postgresVersion: String
    /// Where the server came from and which settings profile it runs with.
    let cluster: String
    /// The settings that decide write throughput, as the server reports them.
    let settings: [(name: String, value: String)]

    /// The settings shown, in this order.
    static let settingNames = [
        "fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers", "max_wal_size",
    ]

    static func gather(on connection: PostgresConnection, target: DatabaseTarget) async throws -> MachineFacts {
        let version = try await connection.query(BenchStatements.serverVersion)
            .rows.first?.decode(String.self) ?? "unknown"
        var values: [String: String] = [:]
        for row in try await connection.query(BenchStatements.settings(settingNames)).rows {
            let (name, value) = try row.decode((String, String).self)
            values[name] = value
        }
        let cluster = switch target {
        case .embedded(let embedded, _):
            switch embedded.profile {
            case .development: "embedded cluster, development profile"
            case .testing: "embedded cluster, testing profile"
            }
        case .external:
            "external server, its own settings"
        }
        return MachineFacts(
            processors: ProcessInfo.processInfo.activeProcessorCount,
            cpuModel: cpuModel(),
            memoryBytes: memoryBytes(),
            loadAverage: loadAverage(),
            postgresVersion: version,
            cluster: cluster,
            settings: settingNames.compactMap { name in values[name].map { (name, $0) } }
        )
    }

    /// The machine alone, for a benchmark that needs no database.
    static func local() -> MachineFacts {
        MachineFacts(
            processors: ProcessInfo.processInfo.activeProcessorCount, cpuModel: cpuModel(), memoryBytes: memoryBytes(),
            loadAverage: loadAverage(), postgresVersion: "not used", cluster: "no database", settings: [])
    }

    /// Lines for the top of the report.
    var lines: [String] {
        let memory = memoryBytes.map { String(format: "%.1f GiB", Double($0) / 1_073_741_824) } ?? "unknown"
        return [
            "machine:     \(processors) cores (nproc), CPU \(cpuModel), \(memory) memory, load average \(loadAverage) at start",
            "postgresql:  \(postgresVersion), \(cluster)",
            "settings:    " + settings.map { "\($0.name)=\($0.value)" }.joined(separator: " "),
        ]
    }

    /// The first "model name" of /proc/cpuinfo (x86), else "Hardware"/"CPU part" (ARM).
    private static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for key in ["model name", "Hardware", "CPU part"] {
            for line in text.split(separator: "\n") where line.hasPrefix(key) {
                if let colon = line.firstIndex(of: ":") {
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { return value }
                }
            }
        }
        return "unknown"
    }

    private static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// MemTotal of /proc/meminfo.
    private static func memoryBytes() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
