import ArgumentParser

/// `tenantry tenant expire-trials`: the trial-expiry check, for a scheduler.
struct TenantExpireTrialsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expire-trials",
        abstract: "End every trial that is due (TrialExpired, then the fallback plan). The server runs this itself.",
        discussion: "Example (cron, hourly):\n  tenantry tenant expire-trials"
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let expired = try await connection.withRuntime { runtime in
            try await runtime.tenants.expireDueTrials()
        }
        StandardOutput.line("expired \(expired.count) trial(s)")
    }
}
