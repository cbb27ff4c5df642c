import ArgumentParser
import Benchmarks

/// `tenantry bench cells`: signups and appends with one cell and with two, and online moves of
/// a tenant between cells, each next to a reference measured in the same run.
struct BenchCellsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cells",
        abstract: "Measure signups and appends with one cell and with two, and online moves between cells.",
        discussion: """
            Runs in a fresh database tenantry_bench (the control plane and cell main; dropped \
            afterwards) and a second cell bench-2, an embedded cluster under \
            $TENANTRY_HOME/cells/bench-2 that the run wipes first and removes at its end. Rows: \
            --signups pooled signups from --clients clients with bench-2 closed to the placement \
            policy, then open (vs each other, and vs bare appends); --events single-event appends \
            from --writers writers to tenants all in main, then in both cells (vs each other, and \
            vs appends without the router); for each of --move-events, a tenant in main given that \
            many events (streams of 100, loaded untimed) moved to bench-2 while 4 writers append \
            to it every 10 ms (vs psql's COPY of the same rows out of main, and the writers vs the \
            same writers on a tenant not moving; the fenced time is in the notes and the JSON's \
            details). ratio = ours ÷ reference.
            Example:
              tenantry bench cells --move-events 10000,1000000
            """
    )

    @Option(help: ArgumentHelp("Pooled signups per cell layout (1–100000).", valueName: "n"))
    var signups = 200

    @Option(help: ArgumentHelp("Concurrent clients signing up (1–64).", valueName: "n"))
    var clients = 8

    @Option(help: ArgumentHelp("Concurrent writers appending (1–64).", valueName: "n"))
    var writers = 16

    @Option(help: ArgumentHelp("Single-event appends per append row (10–10000000).", valueName: "n"))
    var events = 20_000

    @Option(
        name: .customLong("move-events"),
        help: ArgumentHelp("Events of each tenant moved between cells, comma-separated (100–20000000 each).", valueName: "n,n"))
    var moveEvents = "10000,1000000"

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...100_000).contains(signups) else { throw ValidationError("--signups must be between 1 and 100000") }
        guard (1...64).contains(clients) else { throw ValidationError("--clients must be between 1 and 64") }
        guard (1...64).contains(writers) else { throw ValidationError("--writers must be between 1 and 64") }
        guard (10...10_000_000).contains(events) else { throw ValidationError("--events must be between 10 and 10000000") }
        guard let sizes = parsedMoveEvents, !sizes.isEmpty, sizes.allSatisfy({ (100...20_000_000).contains($0) }) else {
            throw ValidationError("--move-events must be comma-separated numbers between 100 and 20000000")
        }
    }

    private var parsedMoveEvents: [Int]? {
        let values = moveEvents.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return values.contains(nil) ? nil : values.compactMap { $0 }
    }

    func run() async throws {
        let benchmark = CellsBenchmark(
            signups: signups, clients: clients, writers: writers, events: events, moveEvents: parsedMoveEvents ?? [])
        try await benchmark.run(on: connection.target, console: BenchConsole(json: output.json))
    }
}
