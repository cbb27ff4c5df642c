import ArgumentParser
import Foundation
import Instances
import Tenantry

/// `tenantry`: the one binary of the platform, for operators and for the server.
@main
struct TenantryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenantry",
        abstract: "Operate a Tenantry multi-tenant platform core.",
        discussion: """
            With no --database-url (or TENANTRY_DATABASE_URL), commands use a private PostgreSQL \
            cluster under ./.tenantry/postgres, started on first use.
            """,
        version: TenantryRelease.version,
        subcommands: [
            DevCommand.self,
            MigrateCommand.self,
            EventsCommand.self,
            TenantCommand.self,
            CellCommand.self,
            FlagCommand.self,
            ReportCommand.self,
            ServeCommand.self,
            AdminCommand.self,
            CustomizationCommand.self,
            InstanceCommand.self,
            BenchCommand.self,
        ]
    )

    /// Parses and runs the command; failures become one line on stderr and an exit code that
    /// says what kind of failure it was (see `CommandFailure`).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let failure = CommandFailure(error) ?? CommandFailure(
                message: message(for: error), exitCode: exitCode(for: error)
            )
            // Help and version requests "fail" with exit code 0: ArgumentParser prints those.
            guard failure.exitCode != .success else { exit(withError: error) }
            // A bare exit code (e.g. `dev status` on a stopped cluster) has said all it had to.
            guard !failure.message.isEmpty else { Foundation.exit(failure.exitCode.rawValue) }
            let line = failure.message
                .split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
                .joined(separator: " ")
            FileHandle.standardError.write(Data("error: \(line)\n".utf8))
            Foundation.exit(failure.exitCode.rawValue)
        }
    }
}
