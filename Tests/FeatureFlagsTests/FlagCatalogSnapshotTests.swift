@testable import FeatureFlags
import Foundation
import Testing

/// A catalog is a value: a change folded into one copy never shows in another (the live view
/// publishes one copy while it folds the next page into another), and the compiled form that
/// evaluation reads follows every change.
@Suite("Flag catalog snapshots")
struct FlagCatalogSnapshotTests {
    static let tenant = TenantAttributes(
        id: UUID(), slug: "acme", plan: "pro", state: "active", isolation: "pooled", createdAt: Date(timeIntervalSince1970: 0)
    )

    static func catalog() throws -> FlagCatalog {
        FlagCatalog(flags: [Flag(key: try FlagKey("beta"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off")])
    }

    func variant(_ catalog: FlagCatalog, _ attributes: [String: JSONValue] = [:]) -> String? {
        FlagEvaluator(catalog: catalog).evaluate("beta", context: EvaluationContext(tenant: Self.tenant, attributes: attributes)).variant
    }

    @Test("an override set in one copy is not seen by another")
    func overrideInCopy() throws {
        let published = try Self.catalog()
        var next = published
        next.update("beta") { $0.overrides[Self.tenant.id] = "on" }
        #expect(variant(next) == "on")
        #expect(variant(published) == "off")
        // The next change to the same copy happens in place and keeps the first.
        next.update("beta") { $0.overrides[UUID()] = "on" }
        #expect(next.anyFlag("beta")?.overrides.count == 2)
        #expect(published.anyFlag("beta")?.overrides.isEmpty == true)
    }

    @Test("rules, variants and the kill switch changed in place are what evaluation reads next")
    func compiledFollows() throws {
        var catalog = try Self.catalog()
        catalog.update("beta") {
            $0.rules = [TargetingRule(name: "r1", condition: .compare(attribute: "country", operator: .equals, value: "NZ"), variant: "on")]
        }
        #expect(variant(catalog, ["country": "NZ"]) == "on")
        #expect(variant(catalog, ["country": "AU"]) == "off")
        catalog.update("beta") { $0.isEnabled = false }
        #expect(variant(catalog, ["country": "NZ"]) == "off")
        catalog.update("beta") {
            $0.isEnabled = true
            $0.defaultVariant = "on"
        }
        #expect(variant(catalog, ["country": "AU"]) == "on")
    }
}
