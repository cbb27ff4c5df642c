import Customizations
import Extensions
import Foundation
import Testing

@Suite("Corporate email domain: signups only from the client's domain, and its policy route")
struct CorporateEmailDomainTests {
    private func host(_ settings: [String: String]) throws -> CustomizationHost {
        try CustomizationHost(CorporateEmailDomain.self, settings: settings)
    }

    private func signup(_ email: String) -> SignupCommand {
        SignupCommand(email: email, organization: "Acme", plan: "enterprise")
    }

    @Test("addresses at the domain pass, case-insensitively; look-alikes and others are refused with the reason")
    func domain() async throws {
        let host = try host(["domain": "Acme.Example", "contact": "it@acme.example"])
        for email in ["ann@acme.example", "Bob@ACME.example", "weird\"@\"name@acme.example"] {
            try await host.validate(signup(email))
        }
        for email in ["eve@acme.example.attacker.test", "eve@notacme.example", "eve@eu.acme.example", "@acme.example", "acme.example"] {
            let error = await #expect(throws: CustomizationError.self, "\(email)") { try await host.validate(signup(email)) }
            #expect(error?.kind == .refused)
            #expect(error?.description == "refused by customization corporate-email (signup validator): signups must use an address at acme.example; ask it@acme.example")
        }
    }

    @Test("with subdomains allowed, eu.acme.example passes too, but not a look-alike")
    func subdomains() async throws {
        let host = try host(["domain": "acme.example", "allow-subdomains": "yes"])
        try await host.validate(signup("ann@eu.acme.example"))
        await #expect(throws: CustomizationError.self) { try await host.validate(self.signup("eve@evilacme.example")) }
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
