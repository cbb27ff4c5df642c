import ArgumentParser
import EventStore
import FeatureFlags
import Foundation

/// `tenantry events append`: append one event to a stream.
struct EventsAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event to a stream.",
        discussion: """
            Exit status 75 when the stream is not at the expected version, 65 when the input is \
            invalid (stream name, type, JSON, size); nothing is written in either case.
            Examples:
              tenantry events append account-42 --tenant 2f0c…-… --type AccountOpened --data '{"owner":"ada"}'
              tenantry events append account-42 --tenant 2f0c…-… --type Deposited --data '{"amount":10}' --expected-version 1
            """
    )

    @Argument(help: ArgumentHelp("The stream, as category-id (e.g. account-42).", valueName: "stream"))
    var stream: String

    @Option(help: ArgumentHelp("The tenant the stream belongs to.", valueName: "uuid"))
    var tenant: UUID

    @Option(help: ArgumentHelp("The event type, e.g. AccountOpened.", valueName: "type"))
    var type: String

    @Option(help: ArgumentHelp("The event data: a JSON object, @FILE to read it from a file, or - for stdin.", valueName: "json"))
    var data: String

    @Option(help: ArgumentHelp("Metadata, a JSON object (default: the operator as actor).", valueName: "json"))
    var metadata: String?

    @Option(help: ArgumentHelp("any, no-stream, exists, or the stream's current version N.", valueName: "version"))
    var expectedVersion: ExpectedVersionArgument?

    @Option(help: ArgumentHelp("The event id, for an idempotent retry (default: a new UUID).", valueName: "uuid"))
    var id: UUID?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (try? StreamName(stream)) != nil else {
            throw ValidationError("invalid stream name \"\(stream)\": expected category-id, e.g. account-42")
        }
    }

    func run() async throws {
        let streamName = try StreamName(stream)
        let event = try NewEvent(
            id: id ?? UUID(),
            type: type,
            dataJSON: try JSONArgument.read(data, option: "--data"),
            metadataJSON: try metadata.map { try JSONArgument.read($0, option: "--metadata") } ?? defaultMetadata
        )
        let result = try await connection.withRuntime { runtime in
            // The tenant's own store: its cell's, or its dedicated database. While the tenant
            // moves between cells its old cell refuses the append until the switch: looked up
            // and sent again (the same event id, so at most once).
            let expected = expectedVersion?.value ?? .any
            return try await runtime.tenants.router.withEventStore(for: tenant) { store in
                try await store.append([event], to: streamName, tenant: tenant, expectedVersion: expected)
            }
        }
        let position = result.positions.first ?? 0
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object([
                "id": .string(event.id.uuidString.lowercased()),
                "stream": .string(streamName.rawValue),
                "version": .integer(Int64(result.streamVersion)),
                "position": .integer(Int64(position)),
            ])))
        } else {
            StandardOutput.line("appended \(type) to \(streamName) at version \(result.streamVersion) (position \(position), id \(event.id.uuidString.lowercased()))")
        }
    }

    private var defaultMetadata: String {
        let user = ProcessInfo.processInfo.environment["USER"]
            ?? getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) }
            ?? "unknown"
        return JSONWriter.compact(.object(["actor": .string("operator:\(user)")]))
    }
}
