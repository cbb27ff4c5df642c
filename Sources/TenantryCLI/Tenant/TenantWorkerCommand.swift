import ArgumentParser
import Foundation
import Logging
import Provisioning
import Tenantry
import TenantryServer

/// `tenantry tenant worker`: the tenant background work, until interrupted.
struct TenantWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the tenant background work until interrupted: provisioning driven by the event feed, and the trial-expiry check.",
        discussion: """
            Provisions every tenant the feed shows still provisioning (live, woken by \
            the feed-tip watcher; from its checkpoint after a restart) and ends due trials every \
            --trial-check-interval seconds. The server runs the same services. SIGTERM or \
            SIGINT stops it as it stops the server: the runner finishes its batch and saves \
            its checkpoint, then the command exits 0.
            Example:
              tenantry tenant worker --trial-check-interval 300
            """
    )

    @Option(help: ArgumentHelp("Seconds between trial-expiry checks (1–86400).", valueName: "seconds"))
    var trialCheckInterval = 60

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (1...86_400).contains(trialCheckInterval) else {
            throw ValidationError("--trial-check-interval must be between 1 and 86400 seconds")
        }
    }

    func run() async throws {
        let interval = Duration.seconds(trialCheckInterval)
        try await connection.withRuntime { runtime in
            FileHandle.standardError.write(Data("tenant worker running; Ctrl-C stops it\n".utf8))
            try await SignalledShutdown.run([
                ProvisioningWorker(manager: ProvisioningProcessManager(saga: runtime.tenants.saga)),
                PeriodicCheckWorker(TrialExpiryScheduler(administration: runtime.tenants, interval: interval).periodicCheck),
            ], logger: Logger(label: "tenantry.worker"))
            FileHandle.standardError.write(Data("tenant worker stopped\n".utf8))
        }
    }
}
