import ArgumentParser
import FeatureFlags
import Foundation

/// `tenantry flag export FILE|-`: every active flag as a flagd flag-definition document.
struct FlagExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every active flag as a flagd flag-definition document (JSON), to FILE or - for stdout.",
        discussion: """
            The same flags always give the same bytes, so the file diffs well under version \
            control. Overrides name tenants by id; archived flags and scheduled changes are \
            left out (flagd has neither). flag import reads the file back.
            Examples:
              tenantry flag export flags.json
              tenantry flag export - | jq '.flags | keys'
            """
    )

    @Argument(help: ArgumentHelp("Where to write the document (replaced if it exists), or - for stdout.", valueName: "file"))
    var file: String
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard !file.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("give a file to write, or - for stdout") }
    }

    func run() async throws {
        let catalog = try await connection.withRuntime { runtime in
            try await runtime.flags.catalog()
        }
        let flags = catalog.activeFlags
        let document = FlagdDocument.export(flags)
        if file == "-" {
            FileHandle.standardOutput.write(document)
            return
        }
        let url = URL(fileURLWithPath: file)
        do {
            try document.write(to: url, options: .atomic)
        } catch {
            throw UserInputError(message: "cannot write \(url.path): \(error.localizedDescription)")
        }
        StandardOutput.line("exported \(flags.count) flag(s) to \(url.path)")
    }
}
