import ArgumentParser
import EventStore
import Foundation
import Logging

/// `tenantry events tail`: print the global feed, and with --follow keep printing.
struct EventsTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print every event of every tenant (or one), in commit-safe order; --follow keeps printing new ones.",
        discussion: """
            Uses the same no-skip subscription the platform's projections use: an event is \
            printed once every transaction that could precede it has ended.
            Examples:
              tenantry events tail --json
              tenantry events tail --tenant 2f0c…-… --from 1200 --follow
              tenantry events tail --from end --follow
            """
    )

    @Option(help: ArgumentHelp("Only this tenant's events.", valueName: "uuid"))
    var tenant: UUID?

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
    }

    func run() async throws {
        let json = output.json
        try await connection.withRuntime { runtime in
            // The all-tenant feed is an operator's view: it reads as tenantry_operator.
            let store = runtime.operatorEventStore
            let minimumPosition = from.flatMap { Int64($0) } ?? 0
            let start: GlobalCursor = if from == "end" {
                try await store.currentEnd()
            } else if minimumPosition > 0 {
                try await store.cursor(beforePosition: minimumPosition)
            } else {
                .start
            }
            let subscription = EventSubscription(store: store, filter: EventFilter(tenantID: tenant))
            let printBatch: @Sendable ([RecordedEvent]) -> Void = { batch in
                var text = ""
                for event in batch where event.position >= minimumPosition {
                    text += (json ? event.jsonLine : EventTable.line(event)) + "\n"
                }
                StandardOutput.write(text)
            }
            if follow {
                try await SignalledShutdown.run([
                    CommandWorker(description: "events tail --follow") {
                        try await subscription.run(from: start) { batch in printBatch(batch) }
                    },
                ], logger: Logger(label: "tenantry.events.tail"))
            } else {
                try await subscription.catchUp(from: start) { batch in printBatch(batch) }
            }
        }
    }
}
