import Foundation

/// pgbench, the reference client for the append workloads: C and libpq, no pool, one prepared
/// statement per transaction, with a per-transaction log for latency percentiles.
struct Pgbench: Sendable {
    let executable: String
    let connection: ClientConnectionArguments

    /// What one run reported.
    struct Outcome: Sendable {
        let transactions: Int
        /// pgbench's "tps = … (without initial connection time)".
        let transactionsPerSecond: Double
        /// From the per-transaction log (`-l`).
        let latency: LatencySummary?
    }

    /// Finds pgbench in Debian's versioned directory (newest first), else on PATH.
    static func locate() throws -> String {
        guard let executable = ExternalProgram.find("pgbench", preferring: ExternalProgram.debianPostgresBinDirectories) else {
            throw BenchError(
                "pgbench not found in /usr/lib/postgresql/*/bin or on PATH: install the Debian package postgresql-contrib"
            )
        }
        return executable
    }

    /// Runs `script` for `seconds` with `clients` connections on `threads` threads.
    ///
    /// Prepared mode (`-M prepared`) because that is how Tenantry sends its statements (each
    /// prepared once per connection), and because in simple mode pgbench pastes variables into
    /// the SQL as bare text, so `:tenant::uuid` would not even parse.
    func run(
        script: URL,
        clients: Int,
        threads: Int,
        seconds: Int,
        variables: KeyValuePairs<String, String>,
        workDirectory: URL
    ) async throws -> Outcome {
        let logDirectory = workDirectory.appendingPathComponent("pgbench-log-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        var arguments = connection.options + [
            "-n", "-M", "prepared",
            "-c", String(clients), "-j", String(threads), "-T", String(seconds),
            "-f", script.path,
            "-l", "--log-prefix=\(logDirectory.path)/x",
        ]
        for (name, value) in variables {
            arguments += ["-D", "\(name)=\(value)"]
        }
        arguments.append(connection.database)

        let result = try await ExternalProgram.run(executable, arguments, workDirectory: workDirectory)
        guard result.succeeded else {
            throw BenchError("pgbench failed (exit status \(result.status)): \(result.diagnosticTail)")
        }
        let report = result.standardOutput
        guard let transactions = Self.value(after: "number of transactions actually processed:", in: report).flatMap({ Int($0) }),
              let tps = Self.value(after: "tps =", in: report).flatMap({ Double($0) })
        else {
            throw BenchError("could not read pgbench's report: \(result.standardOutput.split(whereSeparator: \.isNewline).suffix(4).joined(separator: " | "))")
        }
        if let failed = Self.value(after: "number of failed transactions:", in: report).flatMap({ Int($0) }), failed > 0 {
            throw BenchError("pgbench: \(failed) transaction(s) failed: \(result.diagnosticTail)")
        }
        guard transactions > 0 else {
            throw BenchError("pgbench processed no transactions: \(result.diagnosticTail)")
        }
        return Outcome(
            transactions: transactions,
            transactionsPerSecond: tps,
            latency: LatencySummary(milliseconds: try Self.latencies(in: logDirectory))
        )
    }

    /// The first word after `label` on the line that has it.
    private static func value(after label: String, in report: String) -> String? {
        for line in report.split(whereSeparator: \.isNewline) {
            guard let range = line.range(of: label) else { continue }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
        return nil
    }

    /// Every transaction's latency from the logs `x.<pid>` and `x.<pid>.<thread>`, whose third
    /// column is the latency in microseconds.
    private static func latencies(in directory: URL) throws -> [Double] {
        var samples: [Double] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasPrefix("x.") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let columns = line.split(separator: " ", maxSplits: 3)
                // A failed transaction logs a word here instead of a number; failures are
                // refused above, so this only guards against a format change.
                guard columns.count >= 3, let microseconds = Double(columns[2]) else { continue }
                samples.append(microseconds / 1000)
            }
        }
        return samples
    }
}
