import ArgumentParser
import FeatureFlags
import Foundation

/// `tenantry flag import FILE|-`: flags from a flagd flag-definition document.
struct FlagImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Define or change flags to match a flagd flag-definition document (FILE, or - for stdin).",
        discussion: """
            All or nothing: every flag in the document is checked against the catalog as it \
            would be afterwards (its targeting, its type against an existing flag of the same \
            key, prerequisites, variants other flags require), then all are recorded in one \
            transaction. Each flag is defined, or changed to match with only what differs \
            recorded. Flags not in the document are left alone. Overrides name tenants by id. \
            --dry-run only checks and says what would happen.
            Examples:
              tenantry flag import flags.json --reason "sync from the flags repository"
              tenantry flag import flags.json --dry-run
            """
    )

    @Argument(help: ArgumentHelp("The flagd document, or - for stdin.", valueName: "file"))
    var file: String
    @ArgumentParser.Flag(help: "Check the document and say what would change, without recording anything.")
    var dryRun = false
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let flags = try FlagdDocument.importFlags(try readDocument(), now: Date())
        let source = file == "-" ? "stdin" : file
        let change = FlagService.Change(actor: Operator.actor, reason: reason.reason ?? "imported from \(source)")
        let dryRun = self.dryRun
        let outcomes = try await connection.withRuntime { runtime in
            try await runtime.flags.importFlags(flags, by: change, dryRun: dryRun).map { outcome in
                let action = switch outcome.action {
                case .defined: dryRun ? "would define" : "defined"
                case .changed: dryRun ? "would change" : "changed"
                case .unchanged: "unchanged"
                }
                return (key: outcome.key.rawValue, action: action)
            }
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(outcomes.map { .object(["key": .string($0.key), "action": .string($0.action)]) })))
            return
        }
        for outcome in outcomes { StandardOutput.line("\(outcome.key): \(outcome.action)") }
        StandardOutput.line("\(dryRun ? "checked" : "imported") \(outcomes.count) flag(s) from \(source)")
    }

    private func readDocument() throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: file) else {
            let why = FileManager.default.fileExists(atPath: file) ? "it is not a readable file" : "no such file"
            throw UserInputError(message: "cannot read \(file): \(why)")
        }
        return data
    }
}
