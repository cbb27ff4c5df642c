import ArgumentParser
import EventStore
import Foundation

/// `tenantry events read`: print a stream's events.
struct EventsReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print the events of one stream, oldest first (or newest first with --backward).",
        discussion: """
            Examples:
              tenantry events read account-42 --tenant 2f0c…-…
              tenantry events read account-42 --tenant 2f0c…-… --backward --limit 1 --json
            """
    )

    @Argument(help: ArgumentHelp("The stream, as category-id.", valueName: "stream"))
    var stream: String

    @Option(help: ArgumentHelp("The tenant the stream belongs to.", valueName: "uuid"))
    var tenant: UUID

    @Option(help: ArgumentHelp("Start at this version (default: the first, or the last with --backward).", valueName: "version"))
    var from: Int64?

    @Flag(help: "Read newest first.")
    var backward = false

    @Option(help: ArgumentHelp("At most this many events (1–100000).", valueName: "n"))
    var limit = 1000

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (try? StreamName(stream)) != nil else {
            throw ValidationError("invalid stream name \"\(stream)\": expected category-id, e.g. account-42")
        }
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
        if let from, from < 1 { throw ValidationError("--from must be a version of 1 or more") }
    }

    func run() async throws {
        let streamName = try StreamName(stream)
        let events = try await connection.withRuntime { runtime in
            try await runtime.tenants.router.eventStore(for: tenant).readStream(
                streamName, tenant: tenant, from: from, direction: backward ? .backward : .forward, limit: limit
            )
        }
        if output.json {
            events.forEach { StandardOutput.line($0.jsonLine) }
            return
        }
        guard !events.isEmpty else {
            StandardOutput.line("stream \(streamName) has no events for tenant \(tenant.uuidString.lowercased())")
            return
        }
        StandardOutput.line(EventTable.render(events, showStream: false))
    }
}
