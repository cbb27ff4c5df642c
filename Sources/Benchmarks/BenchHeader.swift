import Foundation
import PostgresClient

/// The lines every benchmark report starts with: which benchmark, when, on what machine and
/// server, with which options and against which references. Figures without them do not travel.
enum BenchHeader {
    /// Prints the header on stdout, or on stderr with `--json` (stdout is then the JSON alone).
    static func print(_ benchmark: String, facts: MachineFacts, options: String, references: String, json: Bool) {
        let lines = ["tenantry bench \(benchmark), \(Date().formatted(Date.ISO8601FormatStyle(timeZone: .gmt)))"]
            + facts.lines
            + ["options:     \(options)", "references:  \(references)", ""]
        if json {
            lines.forEach(BenchProgress.note)
        } else {
            lines.forEach { StandardOutput.line($0) }
        }
    }

    /// Gathers the facts of `database`'s server and prints the header.
    static func print(_ benchmark: String, database: BenchDatabase, options: String, references: String, json: Bool) async throws {
        let facts = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await MachineFacts.gather(on: connection, target: database.target)
        }
        print(benchmark, facts: facts, options: options, references: references, json: json)
    }
}
