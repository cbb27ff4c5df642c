import Foundation
import PostgresClient

/// The lines every benchmark report starts with: which benchmark, when, on what machine and
/// server, with which options and against which references. Figures without them do not travel.
enum BenchHeader {
    /// Hands the header to `console`, before anything is measured.
    static func print(_ benchmark: String, facts: MachineFacts, options: String, references: String, console: any BenchmarkConsole) {
        console.header(
            ["tenantry bench \(benchmark), \(Date().formatted(Date.ISO8601FormatStyle(timeZone: .gmt)))"]
                + facts.lines
                + ["options:     \(options)", "references:  \(references)", ""])
    }

    /// Gathers the facts of `database`'s server and prints the header.
    static func print(
        _ benchmark: String, database: BenchDatabase, options: String, references: String, console: any BenchmarkConsole
    ) async throws {
        let facts = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await MachineFacts.gather(on: connection, target: database.target)
        }
        print(benchmark, facts: facts, options: options, references: references, console: console)
    }
}
