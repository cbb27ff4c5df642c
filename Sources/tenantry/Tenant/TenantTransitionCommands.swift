import ArgumentParser
import Provisioning

/// `tenantry tenant suspend <slug> --reason R`.
struct TenantSuspendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspend",
        abstract: "Suspend an active tenant.",
        discussion: "Example:\n  tenantry tenant suspend acme-corp --reason \"unpaid invoice 1042\""
    )

    @Argument(help: ArgumentHelp("The tenant's slug (or id).", valueName: "slug"))
    var slug: String
    @Option(help: ArgumentHelp("Why; recorded with the event.", valueName: "text"))
    var reason: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try requireReason(reason) }

    func run() async throws {
        let (slug, reason) = (self.slug, self.reason)
        let state = try await connection.withRuntime { runtime in
            let state = try await runtime.tenants.tenants.suspend(try await runtime.tenants.resolve(slug), reason: reason, actor: Operator.actor)
            try await runtime.tenants.registry.catchUpWithCommittedWrites()
            return state
        }
        printTransition(state, json: output.json)
    }
}

/// `tenantry tenant resume <slug> --reason R`.
struct TenantResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Reactivate a suspended tenant.",
        discussion: "Example:\n  tenantry tenant resume acme-corp --reason \"invoice paid\""
    )

    @Argument(help: ArgumentHelp("The tenant's slug (or id).", valueName: "slug"))
    var slug: String
    @Option(help: ArgumentHelp("Why; recorded with the event.", valueName: "text"))
    var reason: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try requireReason(reason) }

    func run() async throws {
        let (slug, reason) = (self.slug, self.reason)
        let state = try await connection.withRuntime { runtime in
            let state = try await runtime.tenants.tenants.reactivate(try await runtime.tenants.resolve(slug), reason: reason, actor: Operator.actor)
            try await runtime.tenants.registry.catchUpWithCommittedWrites()
            return state
        }
        printTransition(state, json: output.json)
    }
}

/// `tenantry tenant plan <slug> <plan>`.
struct TenantPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Move an active tenant to another plan of the same isolation.",
        discussion: "Example:\n  tenantry tenant plan acme-corp pro"
    )

    @Argument(help: ArgumentHelp("The tenant's slug (or id).", valueName: "slug"))
    var slug: String
    @Argument(help: ArgumentHelp("free, pro (or enterprise for a dedicated tenant).", valueName: "plan"))
    var plan: Plan
    @Option(help: ArgumentHelp("Why; recorded with the event.", valueName: "text"))
    var reason: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (slug, plan, reason) = (self.slug, self.plan, self.reason)
        let state = try await connection.withRuntime { runtime in
            let state = try await runtime.tenants.tenants.changePlan(
                try await runtime.tenants.resolve(slug), to: plan, actor: Operator.actor, reason: reason
            )
            try await runtime.tenants.registry.catchUpWithCommittedWrites()
            return state
        }
        printTransition(state, json: output.json)
    }
}

func requireReason(_ reason: String) throws {
    let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, trimmed.count <= 500 else {
        throw ValidationError("--reason must say why, in 1 to 500 characters")
    }
}

func printTransition(_ state: TenantState, json: Bool) {
    if json {
        StandardOutput.line(TenantOutput.json(state).rendered)
    } else {
        StandardOutput.line("\(state.slug): \(state.status), plan \(state.plan)")
    }
}

import Foundation
