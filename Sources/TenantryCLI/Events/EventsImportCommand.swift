import ArgumentParser
import EventStore
import FeatureFlags
import Foundation

/// `tenantry events import`: append the events of a JSON-lines file, stream by stream, in
/// batches, idempotently.
struct EventsImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append the events of a JSON-lines file (as `events read --json` prints them), idempotently.",
        discussion: """
            Each line is one event: tenantId, stream, id, type, data and, optionally, metadata \
            (position, version and recordedAt are the source's and are not kept). The events of \
            each stream are appended in the file's order, in batches of --batch-size, each batch \
            all or nothing. An event whose id was imported before is not written again, so \
            running the same file again writes nothing new, and an interrupted import run again \
            continues where it stopped. The whole file is checked before anything is written; a \
            bad line exits with status 65 naming it.
            Examples:
              tenantry events read account-42 --tenant 2f0c…-… --json > account-42.jsonl
              tenantry events import account-42.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The JSON-lines file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Events per batch (1–10000).", valueName: "n"))
    var batchSize = 1000

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
    }

    /// The events of one stream, in file order.
    private struct StreamEvents {
        let tenant: UUID
        let stream: StreamName
        var lines: [ImportedEventLine] = []
    }

    func run() async throws {
        let streams = try readFile()
        let (imported, skipped) = try await connection.withRuntime { runtime in
            var imported = 0
            var skipped = 0
            for group in streams {
                let store = try await runtime.tenants.router.eventStore(for: group.tenant)
                var start = 0
                while start < group.lines.count {
                    let batch = group.lines[start..<min(start + batchSize, group.lines.count)]
                    start += batch.count
                    do {
                        let before = try await store.streamVersion(group.stream, tenant: group.tenant) ?? 0
                        // A batch whose ids were all imported before comes back with their result
                        // and writes nothing: the stream's version does not move.
                        let result = try await store.append(batch.map(\.event), to: group.stream, tenant: group.tenant)
                        if result.streamVersion > before {
                            imported += batch.count
                        } else {
                            skipped += batch.count
                        }
                    } catch {
                        let first = batch.first?.lineNumber ?? 0
                        let last = batch.last?.lineNumber ?? 0
                        let reason = CommandFailure(error)?.message ?? "\(error)"
                        throw CommandFailure(
                            message: "lines \(first)–\(last) (stream \(group.stream)) were not imported: \(reason) (\(imported) events imported before them)",
                            exitCode: CommandFailure(error)?.exitCode ?? .failure)
                    }
                }
            }
            return (imported, skipped)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object([
                "imported": .integer(Int64(imported)),
                "skipped": .integer(Int64(skipped)),
                "streams": .integer(Int64(streams.count)),
            ])))
        } else if imported == 0 && skipped > 0 {
            StandardOutput.line("nothing new: all \(skipped) events of \(streams.count) streams were imported before")
        } else {
            StandardOutput.line("imported \(imported) events to \(streams.count) streams; skipped \(skipped) imported before")
        }
    }

    /// Every line of the file, checked, grouped by stream (streams in order of first appearance).
    private func readFile() throws -> [StreamEvents] {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CommandFailure(message: "cannot read \(file): \(error.localizedDescription)", exitCode: ExitCode(66))
        }
        let text = String(decoding: contents, as: UTF8.self)
        var streams: [StreamEvents] = []
        var streamIndex: [String: Int] = [:]
        var firstLineOfID: [UUID: Int] = [:]
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let parsed: ImportedEventLine
            do {
                parsed = try ImportedEventLine.parse(line, lineNumber: lineNumber)
            } catch {
                throw CommandFailure(message: "\(file):\(lineNumber): \(error.message); nothing was imported", exitCode: CommandFailure.dataError)
            }
            if let first = firstLineOfID[parsed.event.id] {
                throw CommandFailure(
                    message: "\(file):\(lineNumber): event id \(parsed.event.id.uuidString.lowercased()) is on line \(first) already; nothing was imported",
                    exitCode: CommandFailure.dataError)
            }
            firstLineOfID[parsed.event.id] = lineNumber
            let key = parsed.tenant.uuidString + "/" + parsed.stream.rawValue
            if let index = streamIndex[key] {
                streams[index].lines.append(parsed)
            } else {
                streamIndex[key] = streams.count
                streams.append(StreamEvents(tenant: parsed.tenant, stream: parsed.stream, lines: [parsed]))
            }
        }
        return streams
    }
}
