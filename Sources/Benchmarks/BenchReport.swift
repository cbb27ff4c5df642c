import Foundation

/// The result of a benchmark: one row per (workload, reference) pair, which a
/// `BenchmarkConsole` shows as a table for people or JSON for scripts. The ratio is the figure
/// that matters; the rates depend on the machine, which is why both sides are measured in the
/// same run.
public struct BenchReport: Sendable {
    /// One workload next to one reference.
    public struct Row: Sendable {
        public let workload: String
        public let tenantry: BenchMeasurement
        public let reference: String
        public let referenceMeasurement: BenchMeasurement
        /// Figures of the row that are neither a rate nor a latency (e.g. a move's fenced
        /// milliseconds), by name; empty for most rows. The table leaves them to its notes.
        public let details: [String: Double]

        /// Tenantry's events per second over the reference's: 1× is parity, below is slower.
        public var ratio: Double? {
            referenceMeasurement.eventsPerSecond > 0 ? tenantry.eventsPerSecond / referenceMeasurement.eventsPerSecond : nil
        }
    }

    public internal(set) var rows: [Row] = []
    /// What the rates count: events by default, tenants for provisioning.
    public internal(set) var unit = "ev/s"

    mutating func append(
        _ workload: String, _ tenantry: BenchMeasurement, against reference: String, _ measurement: BenchMeasurement,
        details: [String: Double] = [:]
    ) {
        rows.append(Row(workload: workload, tenantry: tenantry, reference: reference, referenceMeasurement: measurement, details: details))
    }

    /// Whole events per second with thousands separators, e.g. 12,345.
    public static func rate(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return grouped
    }

    /// Milliseconds with two decimals below 10, one above; `-` when there is no figure.
    public static func milliseconds(_ value: Double?) -> String {
        value.map { String(format: $0 < 10 ? "%.2f" : "%.1f", $0) } ?? "-"
    }

    /// `value` rounded to `places` decimals.
    public static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }

    /// Two decimals, or two significant digits below 0.1, so a small ratio never reads 0.00×.
    public static func ratioText(_ ratio: Double) -> String {
        ratio >= 0.1 || ratio == 0 ? String(format: "%.2f×", ratio) : String(format: "%.2g×", ratio)
    }

    /// Three significant digits.
    public static func significant(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        let places = max(0, 2 - Int(log10(abs(value)).rounded(.down)))
        return rounded(value, places: places)
    }
}
