import Benchmarks
import FeatureFlags
import Foundation

/// How `tenantry bench` prints a benchmark: the header and a table followed by its notes, or
/// with `--json` the header on stderr and the report alone on stdout, as a JSON array with one
/// object per row (absent latencies are null; a row's other figures, if any, under `details`).
struct BenchConsole: BenchmarkConsole {
    let json: Bool

    func header(_ lines: [String]) {
        for line in lines {
            if json {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            } else {
                StandardOutput.line(line)
            }
        }
    }

    func report(_ report: BenchReport, notes: [String]) {
        if json {
            StandardOutput.line(Self.json(report))
            return
        }
        StandardOutput.line(Self.table(report))
        StandardOutput.line()
        for note in notes { StandardOutput.line(note) }
    }

    static func table(_ report: BenchReport) -> String {
        let unit = report.unit
        var table = TextTable(
            "workload", "tenantry \(unit)", "p50 ms", "p99 ms", "reference", "ref \(unit)", "ref p50", "ref p99", "ratio"
        )
        for row in report.rows {
            table.append([
                row.workload,
                BenchReport.rate(row.tenantry.eventsPerSecond),
                BenchReport.milliseconds(row.tenantry.latency?.p50),
                BenchReport.milliseconds(row.tenantry.latency?.p99),
                row.reference,
                BenchReport.rate(row.referenceMeasurement.eventsPerSecond),
                BenchReport.milliseconds(row.referenceMeasurement.latency?.p50),
                BenchReport.milliseconds(row.referenceMeasurement.latency?.p99),
                row.ratio.map(BenchReport.ratioText) ?? "-",
            ])
        }
        return table.rendered
    }

    static func json(_ report: BenchReport) -> String {
        func milliseconds(_ value: Double?) -> JSONValue {
            value.map { .double(BenchReport.rounded($0, places: 3)) } ?? .null
        }
        return JSONWriter.compact(.array(report.rows.map { row in
            var object: [String: JSONValue] = [
                "workload": .string(row.workload),
                "tenantryEvents": .integer(Int64(row.tenantry.events)),
                "tenantryEventsPerSecond": .double(BenchReport.rounded(row.tenantry.eventsPerSecond, places: 1)),
                "tenantryP50Ms": milliseconds(row.tenantry.latency?.p50),
                "tenantryP99Ms": milliseconds(row.tenantry.latency?.p99),
                "reference": .string(row.reference),
                "referenceEvents": .integer(Int64(row.referenceMeasurement.events)),
                "referenceEventsPerSecond": .double(BenchReport.rounded(row.referenceMeasurement.eventsPerSecond, places: 1)),
                "referenceP50Ms": milliseconds(row.referenceMeasurement.latency?.p50),
                "referenceP99Ms": milliseconds(row.referenceMeasurement.latency?.p99),
                "ratio": row.ratio.map { .double(BenchReport.significant($0)) } ?? .null,
            ]
            if !row.details.isEmpty {
                object["details"] = .object(row.details.mapValues { .double(BenchReport.rounded($0, places: 3)) })
            }
            return .object(object)
        }))
    }
}
