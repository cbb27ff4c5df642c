import EventStore
import FeatureFlags
import Foundation
import Tenantry
import Testing

@Suite("Admin API: flag targeting", .serialized)
struct AdminFlagTargetingRoutesTests {
    static let theme = #"{"key":"theme","type":"string","variants":{"light":"light","dark":"dark","contrast":"contrast"},"defaultVariant":"light"}"#

    @Test("rollout: a percent (variant chosen as the CLI does) or splits; removal; bad shares 422, bad shapes 400")
    func rollout() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"checkout"}"#))
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", Self.theme))

            let percent = server.expect(200, try await server.call(.PUT, "/v1/admin/flags/checkout/rollout", #"{"percent":25,"bucketBy":"email"}"#))
            let rollout = try #require(percent["rollout"] as? [String: Any])
            #expect((rollout["splits"] as? [[String: Any]])?.map { $0["weight"] as? Int } == [25, 75])
            #expect((rollout["splits"] as? [[String: Any]])?.first?["variant"] as? String == "on")
            #expect(rollout["bucketBy"] as? String == "email")

            let splits = server.expect(200, try await server.call(.PUT, "/v1/admin/flags/theme/rollout", #"{"splits":[{"variant":"dark","percent":30},{"variant":"contrast","percent":20}]}"#))
            #expect(((splits["rollout"] as? [String: Any])?["splits"] as? [[String: Any]])?.map { $0["weight"] as? Int } == [30, 20, 50])

            let refusals: [(String, String, Int, String?)] = [
                ("theme", #"{"percent":10}"#, 422, nil),
                ("checkout", #"{"percent":150}"#, 422, nil),
                ("checkout", #"{"percent":10,"variant":"purple"}"#, 422, nil),
                ("theme", #"{"splits":[{"variant":"dark","percent":60},{"variant":"contrast","percent":50}]}"#, 422, nil),
                ("checkout", "{}", 400, "percent"),
                ("checkout", #"{"percent":10,"splits":[]}"#, 400, "percent"),
                ("checkout", #"{"percent":"ten"}"#, 400, "percent"),
                ("theme", #"{"splits":[{"variant":"dark"}]}"#, 400, "splits[0].percent"),
                ("nope", #"{"percent":10}"#, 404, nil),
            ]
            for (key, body, status, field) in refusals {
                let answer = try await server.call(.PUT, "/v1/admin/flags/\(key)/rollout", body)
                server.expect(status, answer)
                if let field { #expect(answer.field == field, "\(body): \(answer.text)") }
            }
            let theme = try #require(try await server.runtime.flags.load(FlagKey("theme")))
            #expect(theme.rollout?.splits.map(\.weight) == [30, 20, 50])

            let removed = server.expect(200, try await server.call(.DELETE, "/v1/admin/flags/checkout/rollout", #"{"reason":"done"}"#))
            #expect(removed["rollout"] is NSNull)
        }
    }

    @Test("rules: text or JSON conditions, first free name, positions; bad conditions 400, bad rules 422; removal by name")
    func rules() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", Self.theme))
            let first = server.expect(201, try await server.call(.POST, "/v1/admin/flags/theme/rules", #"{"variant":"dark","condition":"tenant.plan eq pro"}"#))
            #expect((first["rule"] as? [String: Any])?["name"] as? String == "r1")
            #expect(((first["rule"] as? [String: Any])?["condition"] as? [String: Any])?["operator"] as? String == "eq")

            let second = server.expect(201, try await server.call(.POST, "/v1/admin/flags/theme/rules", #"""
                {"name":"nordics","variant":"contrast","position":1,
                 "condition":{"any":[{"attribute":"country","operator":"in","value":["se","no"]},{"attribute":"tenant.plan","operator":"eq","value":"enterprise"}]}}
                """#))
            #expect((second["rule"] as? [String: Any])?["position"] as? Int == 1)
            let rules = ((second["flag"] as? [String: Any])?["rules"] as? [[String: Any]]) ?? []
            #expect(rules.compactMap { $0["name"] as? String } == ["nordics", "r1"])

            let refusals: [(String, Int, String?)] = [
                (#"{"variant":"dark","condition":"tenant.plan is pro"}"#, 400, "condition"),
                (#"{"variant":"dark","condition":{"attribute":"x","operator":"resembles","value":1}}"#, 400, "condition.operator"),
                (#"{"variant":"dark"}"#, 400, "condition"),
                (#"{"variant":"dark","condition":"x eq 1","position":0}"#, 400, "position"),
                (#"{"variant":"purple","condition":"x eq 1"}"#, 422, nil),
                (#"{"name":"r1","variant":"dark","condition":"x eq 1"}"#, 422, nil),
                (#"{"variant":"dark","condition":"x eq 1","position":9}"#, 422, nil),
                (#"{"variant":"dark","condition":{"attribute":"x","operator":"in","value":1}}"#, 422, nil),
            ]
            for (body, status, field) in refusals {
                let answer = try await server.call(.POST, "/v1/admin/flags/theme/rules", body)
                server.expect(status, answer)
                if let field { #expect(answer.field == field, "\(body): \(answer.text)") }
            }

            let removed = server.expect(200, try await server.call(.DELETE, "/v1/admin/flags/theme/rules/r1"))
            #expect((removed["rules"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["nordics"])
            server.expect(422, try await server.call(.DELETE, "/v1/admin/flags/theme/rules/r1"))
            server.expect(404, try await server.call(.DELETE, "/v1/admin/flags/nope/rules/r1"))
        }
    }

    @Test("overrides by tenant slug, entitlements by plan: set, shown by slug, served, removed; unknown tenants 404, plans 400, variants 422")
    func overridesAndEntitlements() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", Self.theme))

            let overridden = server.expect(200, try await server.call(.PUT, "/v1/admin/flags/theme/overrides/\(slug)", #"{"variant":"contrast","reason":"asked for it"}"#))
            let overrides = try #require(overridden["overrides"] as? [[String: Any]])
            #expect(overrides.first?["slug"] as? String == slug)
            #expect(overrides.first?["variant"] as? String == "contrast")
            let served = server.expect(200, try await server.call(.POST, "/v1/admin/flags/theme/evaluate", #"{"tenant":"\#(slug)"}"#))
            #expect(served["variant"] as? String == "contrast")
            #expect(try await server.lastActor(of: "flag-theme") == "admin:tests")

            server.expect(422, try await server.call(.PUT, "/v1/admin/flags/theme/overrides/\(slug)", #"{"variant":"purple"}"#))
            let nobody = try await server.call(.PUT, "/v1/admin/flags/theme/overrides/nobody", #"{"variant":"dark"}"#)
            server.expect(404, nobody)
            #expect(nobody.json["resource"] as? String == "tenant")
            let missing = try await server.call(.PUT, "/v1/admin/flags/theme/overrides/\(slug)", "{}")
            server.expect(400, missing)
            #expect(missing.field == "variant")
            let cleared = server.expect(200, try await server.call(.DELETE, "/v1/admin/flags/theme/overrides/\(slug)"))
            #expect((cleared["overrides"] as? [Any])?.isEmpty == true)

            let entitled = server.expect(200, try await server.call(.PUT, "/v1/admin/flags/theme/entitlements/trial", #"{"variant":"dark"}"#))
            #expect((entitled["entitlements"] as? [String: String]) == ["trial": "dark"])
            let byPlan = server.expect(200, try await server.call(.POST, "/v1/admin/flags/theme/evaluate", #"{"tenant":"\#(slug)"}"#))
            #expect(byPlan["variant"] as? String == "dark")
            #expect(byPlan["reason"] as? String == "TARGETING_MATCH")
            let gold = try await server.call(.PUT, "/v1/admin/flags/theme/entitlements/gold", #"{"variant":"dark"}"#)
            server.expect(400, gold)
            #expect(gold.field == "plan")
            server.expect(422, try await server.call(.PUT, "/v1/admin/flags/theme/entitlements/pro", #"{"variant":"purple"}"#))
            let unentitled = server.expect(200, try await server.call(.DELETE, "/v1/admin/flags/theme/entitlements/trial"))
            #expect((unentitled["entitlements"] as? [String: String]) == [:])
        }
    }

    @Test("prerequisites: set and cleared; cycles and unknown flags 422; malformed keys 400")
    func prerequisites() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            for key in ["billing", "invoices"] { server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"\#(key)"}"#)) }
            let set = server.expect(200, try await server.call(.PUT, "/v1/admin/flags/invoices/prerequisites", #"{"prerequisites":[{"flag":"billing","variant":"on"}]}"#))
            #expect((set["prerequisites"] as? [[String: String]]) == [["flag": "billing", "variant": "on"]])

            let cycle = try await server.call(.PUT, "/v1/admin/flags/billing/prerequisites", #"{"prerequisites":[{"flag":"invoices","variant":"on"}]}"#)
            server.expect(422, cycle)
            #expect((cycle.json["detail"] as? String)?.contains("cycle") == true, "\(cycle.text)")
            server.expect(422, try await server.call(.PUT, "/v1/admin/flags/billing/prerequisites", #"{"prerequisites":[{"flag":"ghost","variant":"on"}]}"#))
            let malformed = try await server.call(.PUT, "/v1/admin/flags/billing/prerequisites", #"{"prerequisites":[{"flag":"Ghost Flag","variant":"on"}]}"#)
            server.expect(400, malformed)
            #expect(malformed.field == "prerequisites[0].flag")

            let cleared = server.expect(200, try await server.call(.PUT, "/v1/admin/flags/invoices/prerequisites", #"{"prerequisites":[]}"#))
            #expect((cleared["prerequisites"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("schedule: enable, rollouts and removals at a time; 201 with the change's id, which cancels it; bad times and actions 400")
    func schedule() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"launch","enabled":false}"#))
            let at = "2099-12-01T09:00:00Z"
            let enable = server.expect(201, try await server.call(.POST, "/v1/admin/flags/launch/schedule", #"{"at":"\#(at)","action":"enable"}"#))
            let scheduled = try #require(enable["scheduledChange"] as? [String: Any])
            #expect(scheduled["action"] as? String == "enable")
            #expect(scheduled["at"] as? String == at)
            let id = try #require(scheduled["id"] as? String)

            let rollout = server.expect(201, try await server.call(.POST, "/v1/admin/flags/launch/schedule", #"{"at":"2099-12-08T09:00:00.5Z","action":"rollout","percent":50}"#))
            let change = try #require(rollout["scheduledChange"] as? [String: Any])
            #expect(((change["rollout"] as? [String: Any])?["splits"] as? [[String: Any]])?.map { $0["weight"] as? Int } == [50, 50])
            server.expect(201, try await server.call(.POST, "/v1/admin/flags/launch/schedule", #"{"at":"\#(at)","action":"remove-rollout"}"#))
            #expect(try await server.runtime.flags.load(FlagKey("launch"))?.scheduledChanges.count == 3)

            let refusals: [(String, String)] = [
                (#"{"at":"tomorrow","action":"enable"}"#, "at"),
                (#"{"at":"\#(at)","action":"explode"}"#, "action"),
                (#"{"at":"\#(at)","action":"enable","percent":5}"#, "action"),
                (#"{"at":"\#(at)","action":"rollout"}"#, "percent"),
                (#"{"action":"enable"}"#, "at"),
            ]
            for (body, field) in refusals {
                let answer = try await server.call(.POST, "/v1/admin/flags/launch/schedule", body)
                server.expect(400, answer)
                #expect(answer.field == field, "\(body): \(answer.text)")
            }
            server.expect(422, try await server.call(.POST, "/v1/admin/flags/launch/schedule", #"{"at":"\#(at)","action":"rollout","percent":5,"variant":"purple"}"#))

            let cancelled = server.expect(200, try await server.call(.DELETE, "/v1/admin/flags/launch/schedule/\(id)", #"{"reason":"postponed"}"#))
            #expect((cancelled["scheduledChanges"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false)
            server.expect(422, try await server.call(.DELETE, "/v1/admin/flags/launch/schedule/\(id)"))
            let malformed = try await server.call(.DELETE, "/v1/admin/flags/launch/schedule/not-an-id")
            server.expect(400, malformed)
            #expect(malformed.field == "id")
        }
    }
}
