import Foundation

/// The result of `bench eventstore`: one row per (workload, reference) pair, as a table for
/// people or JSON for scripts. The ratio is the figure that matters; the rates depend on the
/// machine, which is why both sides are measured in the same run.
struct BenchReport: Sendable {
    /// One workload next to one reference.
    struct Row: Sendable {
        let workload: String
        let tenantry: BenchMeasurement
        let reference: String
        let referenceMeasurement: BenchMeasurement

        /// Tenantry's events per second over the reference's: 1× is parity, below is slower.
        var ratio: Double? {
            referenceMeasurement.eventsPerSecond > 0 ? tenantry.eventsPerSecond / referenceMeasurement.eventsPerSecond : nil
        }
    }

    var rows: [Row] = []
    /// What the rates count: events by default, tenants for provisioning.
    var unit = "ev/s"

    mutating func append(_ workload: String, _ tenantry: BenchMeasurement, against reference: String, _ measurement: BenchMeasurement) {
        rows.append(Row(workload: workload, tenantry: tenantry, reference: reference, referenceMeasurement: measurement))
    }

    var table: String {
        var table = TextTable(
            "workload", "tenantry \(unit)", "p50 ms", "p99 ms", "reference", "ref \(unit)", "ref p50", "ref p99", "ratio"
        )
        for row in rows {
            table.append([
                row.workload,
                Self.rate(row.tenantry.eventsPerSecond),
                Self.milliseconds(row.tenantry.latency?.p50),
                Self.milliseconds(row.tenantry.latency?.p99),
                row.reference,
                Self.rate(row.referenceMeasurement.eventsPerSecond),
                Self.milliseconds(row.referenceMeasurement.latency?.p50),
                Self.milliseconds(row.referenceMeasurement.latency?.p99),
                row.ratio.map(Self.ratioText) ?? "-",
            ])
        }
        return table.rendered
    }

    /// A JSON array with one object per row; absent latencies are null.
    var json: String {
        JSONObject.render(.array(rows.map { row in
            .object([
                "workload": .string(row.workload),
                "tenantryEvents": .number(Double(row.tenantry.events)),
                "tenantryEventsPerSecond": .number(Self.rounded(row.tenantry.eventsPerSecond, places: 1)),
                "tenantryP50Ms": Self.jsonMilliseconds(row.tenantry.latency?.p50),
                "tenantryP99Ms": Self.jsonMilliseconds(row.tenantry.latency?.p99),
                "reference": .string(row.reference),
                "referenceEvents": .number(Double(row.referenceMeasurement.events)),
                "referenceEventsPerSecond": .number(Self.rounded(row.referenceMeasurement.eventsPerSecond, places: 1)),
                "referenceP50Ms": Self.jsonMilliseconds(row.referenceMeasurement.latency?.p50),
                "referenceP99Ms": Self.jsonMilliseconds(row.referenceMeasurement.latency?.p99),
                "ratio": row.ratio.map { .number(Self.significant($0)) } ?? .null,
            ])
        }))
    }

    /// The report on stdout: JSON only, or the table followed by `notes`.
    func print(json: Bool, notes: [String]) {
        if json {
            StandardOutput.line(self.json)
            return
        }
        StandardOutput.line(table)
        StandardOutput.line()
        for note in notes { StandardOutput.line(note) }
    }

    /// Whole events per second with thousands separators, e.g. 12,345.
    static func rate(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return grouped
    }

    private static func milliseconds(_ value: Double?) -> String {
        value.map { String(format: $0 < 10 ? "%.2f" : "%.1f", $0) } ?? "-"
    }

    private static func jsonMilliseconds(_ value: Double?) -> JSONObject.Value {
        value.map { .number(rounded($0, places: 3)) } ?? .null
    }

    private static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }

    /// Two decimals, or two significant digits below 0.1, so a small ratio never reads 0.00×.
    static func ratioText(_ ratio: Double) -> String {
        ratio >= 0.1 || ratio == 0 ? String(format: "%.2f×", ratio) : String(format: "%.2g×", ratio)
    }

    /// Three significant digits.
    static func significant(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        let places = max(0, 2 - Int(log10(abs(value)).rounded(.down)))
        return rounded(value, places: places)
    }
}
