/// Where a benchmark's header and report go. The `tenantry bench` commands print them: the
/// header on stdout (stderr with `--json`), the report as a table or as JSON.
public protocol BenchmarkConsole: Sendable {
    /// The lines that say which benchmark ran where and against what, before anything is
    /// measured: figures without them do not travel.
    func header(_ lines: [String])

    /// The finished report and the notes that explain it.
    func report(_ report: BenchReport, notes: [String])
}
