import Foundation

/// wrk (Debian's `wrk`), the HTTP load generator: a fixed number of connections for a fixed
/// time against one URL, from another process, reporting requests per second and latency
/// percentiles.
struct Wrk {
    /// What one run measured.
    struct Run: Sendable {
        let requests: Int
        let requestsPerSecond: Double
        let latency: LatencySummary?
    }

    let executable: String
    let workDirectory: URL

    static func locate() throws -> String {
        guard let path = ExternalProgram.find("wrk", preferring: []) else {
            throw BenchError("wrk is not installed (Debian package wrk; `make bench` installs it)")
        }
        return path
    }

    /// Loads `url` with `connections` connections on `threads` threads for `duration`; POSTs
    /// `body` with `headers` when a body is given. Any non-2xx/3xx answer fails the run: a
    /// benchmark of errors measures nothing.
    func run(
        url: String, body: String? = nil, headers: [String: String] = [:],
        connections: Int, threads: Int, duration: Duration
    ) async throws -> Run {
        try await run(url: url, script: Self.script(body: body, headers: headers), connections: connections, threads: threads, duration: duration)
    }

    /// Loads `url` with requests made by a Lua `script` (e.g. one whose `request()` makes each
    /// request different).
    func run(url: String, script: String, connections: Int, threads: Int, duration: Duration) async throws -> Run {
        var arguments = [
            "--threads", String(threads), "--connections", String(connections),
            "--duration", "\(Int(BenchMeasurement.seconds(duration)))s", "--latency",
        ]
        let scriptFile = workDirectory.appendingPathComponent("wrk-\(UUID().uuidString.prefix(8)).lua")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        arguments += ["--script", scriptFile.path, url]
        let result = try await ExternalProgram.run(executable, arguments, workDirectory: workDirectory)
        guard result.succeeded else { throw BenchError("wrk failed: \(result.diagnosticTail)") }
        let report = result.standardOutput
        if let errors = Self.value(after: "Non-2xx or 3xx responses:", in: report) {
            throw BenchError("wrk got \(errors) error responses from \(url); is the server set up?")
        }
        guard let rateText = Self.value(after: "Requests/sec:", in: report), let rate = Double(rateText),
            let totalLine = report.split(separator: "\n").first(where: { $0.contains("requests in") }),
            let total = Int(totalLine.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        else {
            throw BenchError("could not read wrk's report: \(report.split(separator: "\n").suffix(4).joined(separator: " | "))")
        }
        let latency: LatencySummary? =
            if let p50 = Self.percentile("50%", in: report), let p99 = Self.percentile("99%", in: report) {
                LatencySummary(count: total, p50: p50, p99: p99)
            } else {
                nil
            }
        return Run(requests: total, requestsPerSecond: rate, latency: latency)
    }

    /// A Lua script setting the method, body and headers of every request.
    static func script(body: String?, headers: [String: String]) -> String {
        var lines: [String] = []
        if let body {
            lines.append("wrk.method = \"POST\"")
            lines.append("wrk.body = \(luaString(body))")
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            lines.append("wrk.headers[\(luaString(name))] = \(luaString(value))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func luaString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func value(after label: String, in report: String) -> String? {
        guard let line = report.split(separator: "\n").first(where: { $0.contains(label) }),
            let range = line.range(of: label)
        else { return nil }
        return line[range.upperBound...].trimmingCharacters(in: .whitespaces)
    }

    /// A latency percentile line (`     99%    4.21ms`) in milliseconds.
    private static func percentile(_ label: String, in report: String) -> Double? {
        guard let line = report.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }),
            let text = line.split(separator: " ", omittingEmptySubsequences: true).last
        else { return nil }
        let units: [(suffix: String, toMilliseconds: Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let number = Double(text.dropLast(unit.suffix.count)) { return number * unit.toMilliseconds }
        }
        return nil
    }
}
