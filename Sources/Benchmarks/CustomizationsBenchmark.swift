import Customizations
import Extensions
public import Foundation
import Logging
import WasmCustomizations

/// A validator's overhead as a WebAssembly module next to the same validator compiled in: the
/// corporate-email policy, both called through `CustomizationHost.validate` (the time budget,
/// metrics and logging every hook call pays), alternating an accepted and a refused signup.
/// Three rows: the module with pooled instances (reset between calls), the module with a fresh
/// instance per call, and, as the reference of both, the compiled Swift hook.
public struct CustomizationsBenchmark: Sendable {
    /// The corporate-email module (`make wasm-examples`).
    public let module: URL
    /// Calls per row; a fresh instance gets a tenth.
    public let calls: Int

    /// A run of `calls` calls per row with `module`.
    public init(module: URL, calls: Int) {
        self.module = module
        self.calls = calls
    }

    /// Measures the three rows and hands the header and report to `console`.
    public func run(console: any BenchmarkConsole) async throws {
        guard let bytes = FileManager.default.contents(atPath: module.path) else {
            throw BenchError("no module at \(module.path): run make wasm-examples")
        }
        let compiled = try CompiledModule(bytes: Array(bytes))
        BenchHeader.print(
            "customizations", facts: .local(), options: "--module \(module.path) --calls \(calls)",
            references: "the compiled corporate-email validator through the same CustomizationHost (same process)", console: console)
        let settings = ["domain": "acme.example", "contact": "it@acme.example"]
        // Refusals are logged at info, once per call: not what is measured.
        var logger = Logger(label: "tenantry.bench.customizations")
        logger.logLevel = .warning
        let swift = try CustomizationHost(CorporateEmailDomain.self, settings: settings, logger: logger)
        let pooled = try CustomizationHost(WasmCustomization.definition(compiled, options: .init(logger: logger)), settings: settings, logger: logger)
        let fresh = try CustomizationHost(
            WasmCustomization.definition(compiled, options: .init(reusesInstances: false, logger: logger)), settings: settings, logger: logger)

        BenchProgress.note("warming up…")
        for host in [swift, pooled, fresh] { _ = try await measure(host, calls: min(calls, 500)) }
        BenchProgress.note("\(calls) calls each, interleaved in rounds…")
        // Rounds of each in turn, so drifting load on a shared machine falls on all three alike.
        var samples: [String: [Double]] = [:]
        var elapsed: [String: Duration] = [:]
        let rounds = 10
        for _ in 0..<rounds {
            for (name, host, count) in [("swift", swift, calls / rounds), ("pooled", pooled, calls / rounds), ("fresh", fresh, max(calls / rounds / 10, 10))] {
                let (times, took) = try await measure(host, calls: count)
                samples[name, default: []] += times
                elapsed[name, default: .zero] += took
            }
        }
        func measurement(_ name: String) -> BenchMeasurement {
            let times = samples[name] ?? []
            return BenchMeasurement(events: times.count, elapsed: elapsed[name] ?? .zero, latency: LatencySummary(milliseconds: times))
        }
        var report = BenchReport()
        report.unit = "calls/s"
        report.append("wasm validator, pooled instance", measurement("pooled"), against: "compiled Swift validator", measurement("swift"))
        report.append("wasm validator, fresh instance", measurement("fresh"), against: "compiled Swift validator", measurement("swift"))
        let pooledLatency = measurement("pooled").latency
        let microseconds = { (value: Double?) in value.map { String(format: "%.1f µs", $0 * 1000) } ?? "-" }
        console.report(report, notes: [
            "per call p50/p99: swift \(microseconds(measurement("swift").latency?.p50))/\(microseconds(measurement("swift").latency?.p99)), "
                + "wasm pooled \(microseconds(pooledLatency?.p50))/\(microseconds(pooledLatency?.p99)), "
                + "wasm fresh \(microseconds(measurement("fresh").latency?.p50))/\(microseconds(measurement("fresh").latency?.p99)).",
            "goal: a trivial validator under 100 µs per call (p50, pooled): \((pooledLatency?.p50 ?? 1) * 1000 < 100 ? "met" : "not met").",
            "ratio = wasm calls/s ÷ swift calls/s. Module \(compiled.manifest.id) \(compiled.manifest.version), \(compiled.byteCount) bytes, sha256:\(compiled.sha256.prefix(12))….",
        ])
    }

    /// `calls` validations of alternately an accepted and a refused signup: each call's
    /// milliseconds and the whole run's wall time.
    private func measure(_ host: CustomizationHost, calls: Int) async throws -> ([Double], Duration) {
        let accepted = SignupCommand(email: "ann@acme.example", organization: "Acme", plan: "pro")
        let refused = SignupCommand(email: "eve@acme.example.attacker.test", organization: "Eve", plan: "pro")
        let clock = ContinuousClock()
        var times: [Double] = []
        times.reserveCapacity(calls)
        let start = clock.now
        for index in 0..<calls {
            let began = clock.now
            do {
                try await host.validate(index.isMultiple(of: 2) ? accepted : refused)
            } catch let error as CustomizationError where error.kind == .refused {}
            times.append(BenchMeasurement.milliseconds(began.duration(to: clock.now)))
        }
        return (times, start.duration(to: clock.now))
    }
}
