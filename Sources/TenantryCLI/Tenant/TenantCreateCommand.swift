import ArgumentParser
import Foundation
import Provisioning
import Tenancy

/// `tenantry tenant create`: register and provision a tenant, then print its first API key.
struct TenantCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a tenant and wait until it is active (or failed); prints its first API key, once.",
        discussion: """
            The slug is derived from the name and made unique. A dedicated tenant gets its own \
            database, tenantry_t_<slug>, created and migrated (on --cluster when given); a pooled \
            tenant goes to the open cell with the fewest tenants, or to --cell (open or closed, \
            not draining or full).
            Examples:
              tenantry tenant create "Acme Corp" --email ops@acme.example
              tenantry tenant create "Big Bank" --email it@bank.example --plan enterprise --json
            """
    )

    @Argument(help: ArgumentHelp("The organisation's name.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("The owner's email.", valueName: "email"))
    var email: String

    @Option(help: ArgumentHelp("free, trial, pro or enterprise.", valueName: "plan"))
    var plan: Plan = .trial

    @Option(help: ArgumentHelp("pooled or dedicated (default: the plan's).", valueName: "mode"))
    var isolation: PlanTerms.Isolation?

    @Option(help: ArgumentHelp("A superuser libpq URL of the cluster for a dedicated database.", valueName: "url"))
    var cluster: String?

    @Option(help: ArgumentHelp("The cell a pooled tenant lives in (default: the open cell with the fewest tenants).", valueName: "name"))
    var cell: String?

    @Option(help: ArgumentHelp("Makes a retry return (and finish) the first attempt's tenant.", valueName: "key"))
    var idempotencyKey: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let cluster, let problem = SignupRequest.clusterURLProblem(cluster) {
            throw ValidationError("--cluster: \(problem)")
        }
        if let cell, let problem = CellName.problem(with: cell) {
            throw ValidationError("--cell: \(problem)")
        }
        do {
            try request.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The environment variable naming a step to stop before, forever: a test hook that lets a
    /// test kill the process half-way through provisioning and check that a retry finishes it.
    static let pauseVariable = "TENANTRY_PROVISIONING_PAUSE_BEFORE"

    private static var pauseHook: ProvisioningSaga.StepHook? {
        guard let name = ProcessInfo.processInfo.environment[pauseVariable],
              let pausedStep = ProvisioningStep(rawValue: name)
        else { return nil }
        return { step, _ in
            if step == pausedStep {
                FileHandle.standardError.write(Data("paused before \(step)\n".utf8))
                try await Task.sleep(for: .seconds(86_400))
            }
        }
    }

    private var request: SignupRequest {
        SignupRequest(
            email: email, organization: name, plan: plan, isolation: isolation,
            clusterURL: cluster, cell: cell, idempotencyKey: idempotencyKey
        )
    }

    func run() async throws {
        let request = self.request
        let json = output.json
        let outcome = try await connection.withRuntime(beforeProvisioningStep: Self.pauseHook) { runtime in
            try await runtime.tenants.create(request, actor: Operator.actor) { step in
                if !json { FileHandle.standardError.write(Data("  ✓ \(step)\n".utf8)) }
            }
        }
        TenantOutput.printProvisioned(outcome.tenant, apiKey: outcome.apiKey?.secret, json: json)
        if outcome.tenant.status == .failed { throw ExitCode(1) }
    }
}
