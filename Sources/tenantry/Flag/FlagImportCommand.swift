import ArgumentParser
import FeatureFlags
import Foundation

/// `tenantry flag import FILE|-`: flags from a flagd flag-definition document.
struct FlagImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Define or change flags to match a flagd flag-definition document (FILE, or - for stdin).",
        discussion: """
            Every flag in the document is checked first (its targeting, its type against an \
            existing flag of the same key, prerequisites against the other flags); nothing is \
            recorded unless all of them pass. Then each flag is defined, or changed to match \
            with only what differs recorded. Flags not in the document are left alone. \
            Overrides name tenants by id. --dry-run only checks and says what would happen.
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
            let plan = try FlagImportPlan(flags, against: try await runtime.flags.catalog())
            var outcomes: [(key: String, action: String)] = []
            for (flag, action) in plan.steps {
                if dryRun {
                    outcomes.append((flag.key.rawValue, action == .unchanged ? "unchanged" : "would \(action.rawValue)"))
                } else if action == .unchanged {
                    outcomes.append((flag.key.rawValue, action.done))
                } else {
                    try await runtime.flags.put(flag, by: change)
                    outcomes.append((flag.key.rawValue, action.done))
                }
            }
            return outcomes
        }
        if output.json {
            StandardOutput.line(JSONObject.render(.array(outcomes.map { .object(["key": .string($0.key), "action": .string($0.action)]) })))
            return
        }
        for outcome in outcomes { StandardOutput.line("\(outcome.key): \(outcome.action)") }
        StandardOutput.line("\(dryRun ? "checked" : "imported") \(outcomes.count) flag(s) from \(source)")
    }

    private func readDocument() throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw UserInputError(message: "cannot read \(file)")
        }
        return data
    }
}
