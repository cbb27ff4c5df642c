import ArgumentParser
import Foundation
import Provisioning
import Tenantry

/// `tenantry dev seed`: a demo to try the platform on, into an empty database only.
struct DevSeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Seed a demo into an empty database: a few flags, one tenant per plan, an admin token; prints their keys once.",
        discussion: """
            Only when the database has no tenants and no flags; otherwise it says so and leaves \
            the data alone. Seeds new-billing (boolean; the pro plan gets on), theme (string; \
            dark for callers with country se, no or fi) and checkout-v2 (boolean; a sticky 25 % \
            rollout of on); tenants Initech (free), Hooli (trial), Globex (pro) and Umbrella \
            (enterprise: a database of its own); and an admin token labelled demo. `make run` \
            runs it before serving; --server-url is where the printed examples point.
            Example:
              tenantry dev seed --server-url http://127.0.0.1:8080
            """
    )

    @Option(help: ArgumentHelp("The server the printed URLs and examples point at.", valueName: "url"))
    var serverURL = "http://127.0.0.1:8080"
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard let url = URL(string: serverURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server-url \"\(serverURL)\" is not an http(s) URL such as http://127.0.0.1:8080")
        }
    }

    func run() async throws {
        let outcome = try await connection.withRuntime { runtime in
            try await DemoSeed().run(on: runtime, actor: Operator.actor)
        }
        let base = serverURL.hasSuffix("/") ? String(serverURL.dropLast()) : serverURL
        // The way this binary was invoked (e.g. .build/debug/tenantry), so the lines paste as they are.
        let tenantry = CommandLine.arguments.first ?? "tenantry"
        switch outcome {
        case .leftAlone(let tenants, let flags):
            StandardOutput.line("The database has data already (\(tenants) tenant(s), \(flags) flag(s)): left it alone.")
            StandardOutput.line("")
            StandardOutput.line("Create an admin token for the admin API with:")
            StandardOutput.line("  \(tenantry) admin token create --label $USER")
            StandardOutput.line("")
            printURLs(base)
        case .seeded(let seeded):
            printSeeded(seeded, base: base, tenantry: tenantry)
        }
    }

    private func printSeeded(_ seeded: DemoSeed.Seeded, base: String, tenantry: String) {
        StandardOutput.line("Seeded a demo: \(seeded.flags.count) flags, \(seeded.tenants.count) tenants (one per plan), an admin token.")
        StandardOutput.line("")
        StandardOutput.line("Flags:")
        StandardOutput.line("  new-billing  boolean  the pro plan gets on")
        StandardOutput.line("  theme        string   dark for callers with country se, no or fi; else light")
        StandardOutput.line("  checkout-v2  boolean  a sticky 25% of tenants get on")
        StandardOutput.line("")
        StandardOutput.line("Tenants and their API keys (shown this once):")
        var table = TextTable("SLUG", "PLAN", "ISOLATION", "STATE", "API KEY")
        for seededTenant in seeded.tenants {
            let tenant = seededTenant.tenant
            table.append([tenant.slug, tenant.plan.rawValue, tenant.isolation.rawValue, tenant.status.rawValue, seededTenant.apiKey ?? "-"])
        }
        StandardOutput.line(table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        StandardOutput.line("")
        StandardOutput.line("Admin token (shown this once; store it now):")
        StandardOutput.line("  \(seeded.adminToken.secret)")
        StandardOutput.line("")
        printURLs(base)
        StandardOutput.line("")
        StandardOutput.line("Try the admin API:")
        StandardOutput.line("  curl -s \(base)/v1/admin/tenants -H \"Authorization: Bearer \(seeded.adminToken.secret)\"")
        if let pro = seeded.tenants.first(where: { $0.tenant.plan == .pro }), let key = pro.apiKey {
            StandardOutput.line("Evaluate a flag as \(pro.tenant.slug) (OpenFeature OFREP):")
            StandardOutput.line("  curl -s -X POST \(base)/ofrep/v1/evaluate/flags/new-billing -H \"Authorization: Bearer \(key)\" -d '{\"context\":{}}'")
            StandardOutput.line("Or with the CLI:")
            StandardOutput.line("  \(tenantry) flag eval theme --tenant \(pro.tenant.slug) --context country=se")
        }
    }

    private func printURLs(_ base: String) {
        StandardOutput.line("Open:")
        StandardOutput.line("  \(base)/              the signup page")
        StandardOutput.line("  \(base)/healthz       liveness")
        StandardOutput.line("  \(base)/openapi.yaml  the API, described")
    }
}
