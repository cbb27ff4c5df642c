import Customizations
import Extensions
import Foundation
import Testing

@Suite("Corporate email domain: signups only from the client's domain, and its policy route")
struct CorporateEmailDomainTests {
    /// The policy compiled in, and the same policy as a WebAssembly module
    /// (`Sources/CustomizationModules/corporate-email`): the validator tests run against both.
    enum Kind: CaseIterable, Sendable {
        case compiled, webAssembly
    }

    private func host(_ settings: [String: String], kind: Kind = .compiled) throws -> CustomizationHost {
        switch kind {
        case .compiled: try CustomizationHost(CorporateEmailDomain.self, settings: settings)
        case .webAssembly: try CustomizationHost(ExampleModules.definition("corporate-email"), settings: settings)
        }
    }

    private func signup(_ email: String) -> SignupCommand {
        SignupCommand(email: email, organization: "Acme", plan: "enterprise")
    }

    @Test("addresses at the domain pass, case-insensitively; look-alikes and others are refused with the reason", arguments: Kind.allCases)
    func domain(_ kind: Kind) async throws {
        let host = try host(["domain": "Acme.Example", "contact": "it@acme.example"], kind: kind)
        for email in ["ann@acme.example", "Bob@ACME.example", "weird\"@\"name@acme.example", "\u{e9}l\u{e8}ve@Acme.example", "x@y\u{600}@acme.example"] {
            try await host.validate(signup(email))
        }
        for email in ["eve@acme.example.attacker.test", "eve@notacme.example", "eve@eu.acme.example", "@acme.example", "acme.example", "ann@acme.example@evil.test", "a@\u{212a}.example"] {
            let error = await #expect(throws: CustomizationError.self, "\(email)") { try await host.validate(signup(email)) }
            #expect(error?.kind == .refused)
            #expect(error?.description == "refused by customization \(host.id) (signup validator): signups must use an address at acme.example; ask it@acme.example")
        }
        // A contact with quotes, a backslash and control characters reaches the caller as written
        // (control characters removed from a module's answer).
        let quoting = try self.host(["domain": "acme.example", "contact": #"Zo\#u{eb} "IT" \ desk"#], kind: kind)
        let error = await #expect(throws: CustomizationError.self) { try await quoting.validate(signup("eve@elsewhere.example")) }
        #expect(error?.detail == #"signups must use an address at acme.example; ask Zo\#u{eb} "IT" \ desk"#)
    }

    @Test("with subdomains allowed, eu.acme.example passes too, but not a look-alike", arguments: Kind.allCases)
    func subdomains(_ kind: Kind) async throws {
        let host = try host(["domain": "acme.example", "allow-subdomains": "yes"], kind: kind)
        try await host.validate(signup("ann@eu.acme.example"))
        let error = await #expect(throws: CustomizationError.self) { try await host.validate(self.signup("eve@evilacme.example")) }
        #expect(error?.detail == "signups must use an address at acme.example or one of its subdomains; ask your administrator")
    }

    @Test("both kinds declare the same settings; other commands are not theirs to refuse", arguments: Kind.allCases)
    func sameContract(_ kind: Kind) async throws {
        let host = try host(["domain": "acme.example"], kind: kind)
        #expect(host.specifications.map(\.name) == ["domain", "allow-subdomains", "contact"])
        #expect(host.validatedCommands == ["signup"])
        try await host.validate(PlanChangeCommand(tenantID: UUID(), currentPlan: "free", newPlan: "pro", reason: nil, actor: "admin:a"))
        let missing = #expect(throws: SettingError.self) { try self.host([:], kind: kind) }
        #expect(missing?.description.contains("setting 'domain' is missing") == true)
    }

    @Test("the policy route answers the settings as JSON")
    func policyRoute() async throws {
        let host = try host(["domain": "acme.example"])
        let route = try #require(host.routes.first)
        #expect(route.method == "GET" && route.path == "policy" && route.requiresTenantKey)
        let response = try await host.respond(route, to: CustomizationRequest(method: "GET", path: "policy"))
        #expect(response.status == 200)
        #expect(response.contentType == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"allowsSubdomains":false,"contact":"your administrator","domain":"acme.example"}"#)
    }

    @Test("a malformed domain stops the deployment naming the setting")
    func badDomain() {
        let error = #expect(throws: SettingError.self) { try host(["domain": "acme"]) }
        #expect(error?.description == "customization corporate-email: setting 'domain' must be a domain name such as example.com, not 'acme'")
    }

    @Test("the catalog has both examples, by id")
    func catalog() throws {
        #expect(ReleaseCustomizations.catalog.customizations.map { $0.id.rawValue } == ["audit-forwarder", "corporate-email"])
        #expect(try ReleaseCustomizations.catalog.customization(named: "corporate-email") == CorporateEmailDomain.self)
        let error = #expect(throws: UnknownCustomization.self) { try ReleaseCustomizations.catalog.customization(named: "nope") }
        #expect(error?.description == "no customization 'nope' here (there are: audit-forwarder, corporate-email)")
    }
}
