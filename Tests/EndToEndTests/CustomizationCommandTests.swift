import Foundation
import Testing
import TestSupport

@Suite("tenantry customization, end to end")
struct CustomizationCommandTests {
    @Test("list shows each compiled-in customization with its hooks and settings; --json for scripts")
    func list() async throws {
        let text = try await TenantryProcess.run(["customization", "list"])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("corporate-email 1.0.0: "))
        #expect(text.standardOutput.contains("  hook     validates signup"))
        #expect(text.standardOutput.contains("  hook     route GET /x/corporate-email/policy"))
        #expect(text.standardOutput.contains("  setting  domain (domain, required): "))
        #expect(text.standardOutput.contains("  setting  secret (string, required, secret): "))

        let json = try await TenantryProcess.run(["customization", "list", "--json"])
        #expect(json.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(list.compactMap { $0["id"] as? String } == ["audit-forwarder", "corporate-email"])
        let forwarder = try #require(list.first)
        #expect((forwarder["hooks"] as? [String])?.first == "reacts to every event as 'siem' (own checkpoint, retried)")
        let settings = try #require(forwarder["settings"] as? [[String: Any]])
        #expect(settings.first { $0["name"] as? String == "secret" }?["secret"] as? Bool == true)
    }
}
