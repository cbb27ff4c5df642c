import ArgumentParser
import EventStore
import Foundation
import Logging
import Tenancy
import Tenantry

/// `tenantry events tail`: print the global feed, and with --follow keep printing.
struct EventsTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print every event of every tenant (or one), in commit-safe order; --follow keeps printing new ones.",
        discussion: """
            Uses the same no-skip subscription the platform's projections use: an event is \
            printed once every transaction that could precede it has ended. With several cells \
            it follows each cell's feed (every cell, the one --cell names, or the --tenant's), \
            and each line starts with its cell (JSON: a "cell" member); positions are per cell, \
            so --from takes a position only with one cell.
            Examples:
              tenantry events tail --json
              tenantry events tail --tenant 2f0c…-… --from 1200 --follow
              tenantry events tail --cell eu-2 --from end --follow
            """
    )

    @Option(help: ArgumentHelp("Only this tenant's events (read from its cell).", valueName: "uuid"))
    var tenant: UUID?

    @Option(help: ArgumentHelp("Only this cell's feed (default: every cell).", valueName: "name"))
    var cell: String?

    @Option(help: ArgumentHelp("Start at this global position, or `end` for new events only (default: the beginning).", valueName: "position"))
    var from: String?

    @Flag(help: "Keep printing new events as they commit, until SIGINT or SIGTERM (then exits 0).")
    var follow = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let from, from != "end", Int64(from).map({ $0 < 0 }) ?? true {
            throw ValidationError("--from must be a global position (0 or more) or `end`")
        }
        if let cell, let problem = CellName.problem(with: cell) {
            throw ValidationError("--cell: \(problem)")
        }
        if tenant != nil, cell != nil {
            throw ValidationError("--tenant and --cell: give one (a tenant's events are read from its own cell)")
        }
    }

    func run() async throws {
        let json = output.json
        let (tenant, from, follow) = (self.tenant, self.from, self.follow)
        try await connection.withRuntime { runtime in
            // The all-tenant feed is an operator's view: it reads as tenantry_operator, cell by cell.
            let only: Set<CellName>? = if let tenant {
                [try await CellFeeds.cell(of: tenant, in: runtime)]
            } else if let cell {
                [try CellName(cell)]
            } else {
                nil
            }
            let feeds = try await CellFeeds.open(runtime, cells: only)
            do {
                try await Self.tail(feeds, tenant: tenant, from: from, follow: follow, json: json)
                await feeds.close()
            } catch {
                await feeds.close()
                throw error
            }
        }
    }

    private static func tail(_ feeds: CellFeeds, tenant: UUID?, from: String?, follow: Bool, json: Bool) async throws {
        let minimumPosition = from.flatMap { Int64($0) } ?? 0
        guard minimumPosition == 0 || feeds.feeds.count == 1 else {
            throw ValidationError("--from: positions are per cell, and \(feeds.feeds.count) cells are followed; name one with --cell")
        }
        let labelled = feeds.feeds.count > 1
        var workers: [CommandWorker] = []
        var catchUps: [@Sendable () async throws -> Void] = []
        for feed in feeds.feeds {
            let store = feed.store
            let start: GlobalCursor = if from == "end" {
                try await store.currentEnd()
            } else if minimumPosition > 0 {
                try await store.cursor(beforePosition: minimumPosition)
            } else {
                .start
            }
            let subscription = EventSubscription(store: store, filter: EventFilter(tenantID: tenant))
            let cell = feed.cell.rawValue
            let printBatch: @Sendable ([RecordedEvent]) -> Void = { batch in
                var text = ""
                for event in batch where event.position >= minimumPosition {
                    let line = json ? event.jsonLine : EventTable.line(event)
                    text += labelled ? (json ? #"{"cell":"\#(cell)","# + line.dropFirst() : "\(cell)  \(line)") : line
                    text += "\n"
                }
                StandardOutput.write(text)
            }
            workers.append(CommandWorker(description: "events tail --follow (cell \(cell))") {
                try await subscription.run(from: start) { batch in printBatch(batch) }
            })
            catchUps.append { try await subscription.catchUp(from: start) { batch in printBatch(batch) } }
        }
        if follow {
            try await SignalledShutdown.run(workers, logger: Logger(label: "tenantry.events.tail"))
        } else {
            for catchUp in catchUps { try await catchUp() }
        }
    }
}
