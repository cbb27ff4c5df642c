import EventStore
import FeatureFlags
import Foundation
import Tenantry
import Testing

@Suite("Admin API: flag definitions and queries", .serialized)
struct AdminFlagRoutesTests {
    @Test("POST /v1/admin/flags defines a flag (a boolean one gets off/on, default off); 201, with the admin as actor and the reason")
    func define() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            let boolean = try await server.call(.POST, "/v1/admin/flags", #"{"key":"new-billing","description":"billing v2","reason":"pilot"}"#)
            let flag = server.expect(201, boolean)
            #expect(boolean.response.header("Location") == "/v1/admin/flags/new-billing")
            #expect(flag["type"] as? String == "boolean")
            #expect(flag["defaultVariant"] as? String == "off")
            #expect((flag["variants"] as? [String: Bool]) == ["on": true, "off": false])
            #expect(flag["enabled"] as? Bool == true)
            let defined = try #require(try await server.runtime.flags.history(FlagKey("new-billing")).first)
            #expect(defined.metadata.actor == "admin:tests")
            #expect(defined.metadata.reason == "pilot")

            let typed = server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"""
                {"key":"page-size","type":"double","variants":{"small":20,"big":100.5},"defaultVariant":"small",
                 "enabled":false,"metadata":{"owner":"web"}}
                """#))
            #expect(typed["enabled"] as? Bool == false)
            #expect((typed["metadata"] as? [String: String]) == ["owner": "web"])
            let stored = try #require(try await server.runtime.flags.load(FlagKey("page-size")))
            #expect(stored.type == .double)
            #expect(stored.variants["big"] == .double(100.5))
            #expect(stored.variants["small"].flatMap(stored.type.coerce) == .double(20))

            let duplicate = try await server.call(.POST, "/v1/admin/flags", #"{"key":"new-billing"}"#)
            server.expect(409, duplicate)
            #expect(duplicate.problemType == "flag-exists")
        }
    }

    /// Definitions the API refuses: malformed input is 400 naming the field, a well-formed but
    /// invalid flag 422 naming the problem.
    static let badDefinitions: [(body: String, status: Int, detail: String)] = [
        (#"{"type":"boolean"}"#, 400, "key"),
        (#"{"key":"Bad Key"}"#, 400, "key"),
        (#"{"key":"x","type":"colour"}"#, 400, "type"),
        (#"{"key":"x","type":"string","variants":{"a":"a","b":"b"}}"#, 400, "defaultVariant"),
        (#"{"key":"x","enabled":"yes"}"#, 400, "enabled"),
        (#"{"key":"x","reason":""}"#, 400, "reason"),
        (#"{"key":"x","type":"integer","variants":{"big":"huge"},"defaultVariant":"big"}"#, 422, "variant \"big\" is string"),
        (#"{"key":"x","type":"integer"}"#, 422, "needs at least one variant"),
        (#"{"key":"x","type":"string","variants":{"a":"a"},"defaultVariant":"b"}"#, 422, "default variant \"b\""),
        (#"{"key":"x","metadata":{"owner":{"team":"web"}}}"#, 422, "metadata \"owner\""),
    ]

    @Test("bad definitions: malformed input is 400 naming the field; a well-formed but invalid flag is 422 naming the problem")
    func badDefinitions() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            for (body, status, detail) in Self.badDefinitions {
                let answer = try await server.call(.POST, "/v1/admin/flags", body)
                server.expect(status, answer)
                if status == 400 {
                    #expect(answer.problemType == "invalid-request", "\(body)")
                    #expect(answer.field == detail, "\(body): \(answer.text)")
                } else {
                    #expect(answer.problemType == "invalid-definition", "\(body)")
                    #expect((answer.json["detail"] as? String)?.contains(detail) == true, "\(body): \(answer.text)")
                }
            }
            #expect(try await server.runtime.flags.catalog().flags.isEmpty)
        }
    }

    @Test("list, show and history; archived flags only on request; unknown keys are 404")
    func readFlags() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            for key in ["alpha", "beta"] { server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"\#(key)"}"#)) }
            server.expect(200, try await server.call(.POST, "/v1/admin/flags/beta/archive", #"{"reason":"done"}"#))

            let listed = server.expect(200, try await server.call(.GET, "/v1/admin/flags"))
            #expect((listed["flags"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["alpha"])
            let all = server.expect(200, try await server.call(.GET, "/v1/admin/flags?archived=true"))
            #expect((all["flags"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["alpha", "beta"])
            let bad = try await server.call(.GET, "/v1/admin/flags?archived=maybe")
            server.expect(400, bad)
            #expect(bad.field == "archived")

            let shown = server.expect(200, try await server.call(.GET, "/v1/admin/flags/beta"))
            #expect(shown["archived"] as? Bool == true)
            let history = server.expect(200, try await server.call(.GET, "/v1/admin/flags/beta/history"))
            let events = try #require(history["events"] as? [[String: Any]])
            #expect(events.compactMap { $0["type"] as? String } == ["FlagDefined", "FlagArchived"])
            #expect((events.last?["metadata"] as? [String: Any])?["reason"] as? String == "done")

            for path in ["/v1/admin/flags/nope", "/v1/admin/flags/nope/history", "/v1/admin/flags/NOT%20A%20KEY"] {
                let answer = try await server.call(.GET, path)
                server.expect(404, answer)
                #expect(answer.problemType == "not-found")
                #expect(answer.json["resource"] as? String == "flag")
            }
        }
    }

    @Test("enable, disable and archive; an archived flag takes no more changes (409 flag-archived); unknown flags are 404")
    func switches() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"kill-me"}"#))
            let disabled = server.expect(200, try await server.call(.POST, "/v1/admin/flags/kill-me/disable", #"{"reason":"incident 4711"}"#))
            #expect(disabled["enabled"] as? Bool == false)
            #expect(try await server.lastActor(of: "flag-kill-me") == "admin:tests")
            let enabled = server.expect(200, try await server.call(.POST, "/v1/admin/flags/kill-me/enable"))
            #expect(enabled["enabled"] as? Bool == true)
            let badReason = try await server.call(.POST, "/v1/admin/flags/kill-me/disable", #"{"reason":7}"#)
            server.expect(400, badReason)
            #expect(badReason.field == "reason")

            server.expect(200, try await server.call(.POST, "/v1/admin/flags/kill-me/archive"))
            let afterArchive = try await server.call(.POST, "/v1/admin/flags/kill-me/disable")
            server.expect(409, afterArchive)
            #expect(afterArchive.problemType == "flag-archived")
            for action in ["enable", "disable", "archive"] {
                #expect(try await server.call(.POST, "/v1/admin/flags/nope/\(action)").status == 404)
            }
        }
    }

    @Test("evaluate: value, variant and reason for a tenant and a context; bad context 400; unknown tenant or flag 404")
    func evaluate() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"theme","type":"string","variants":{"light":"light","dark":"dark"},"defaultVariant":"light"}"#))
            server.expect(201, try await server.call(.POST, "/v1/admin/flags/theme/rules", #"{"variant":"dark","condition":"country in se,no,fi"}"#))

            let nordic = server.expect(200, try await server.call(.POST, "/v1/admin/flags/theme/evaluate", #"{"tenant":"\#(slug)","context":{"country":"se"}}"#))
            #expect(nordic["value"] as? String == "dark")
            #expect(nordic["variant"] as? String == "dark")
            #expect(nordic["reason"] as? String == "TARGETING_MATCH")
            let other = server.expect(200, try await server.call(.POST, "/v1/admin/flags/theme/evaluate", #"{"tenant":"\#(slug)"}"#))
            #expect(other["variant"] as? String == "light")
            #expect(other["reason"] as? String == "DEFAULT")

            let refusals: [(String, String, Int, String)] = [
                ("theme", #"{"tenant":"\#(slug)","context":{"tenant.plan":"enterprise"}}"#, 400, "invalid-request"),
                ("theme", #"{"tenant":"\#(slug)","context":{"targetingKey":7}}"#, 400, "invalid-request"),
                ("theme", #"{"context":{}}"#, 400, "invalid-request"),
                ("theme", #"{"tenant":"nobody"}"#, 404, "not-found"),
                ("nope", #"{"tenant":"\#(slug)"}"#, 404, "not-found"),
            ]
            for (key, body, status, type) in refusals {
                let answer = try await server.call(.POST, "/v1/admin/flags/\(key)/evaluate", body)
                server.expect(status, answer)
                #expect(answer.problemType == type, "\(body): \(answer.text)")
            }
            let reserved = try await server.call(.POST, "/v1/admin/flags/theme/evaluate", #"{"tenant":"\#(slug)","context":{"tenant":"x"}}"#)
            #expect(reserved.field == "context")
        }
    }

    @Test("stale flags: a flag untouched that serves one variant to every tenant; days out of range is 400")
    func stale() async throws {
        try await withAdminServer { server async throws in
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"old-checkout"}"#))
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"split-test"}"#))
            server.expect(200, try await server.call(.PUT, "/v1/admin/flags/split-test/rollout", #"{"percent":50}"#))

            let stale = server.expect(200, try await server.call(.GET, "/v1/admin/flags/stale?days=0"))
            let flags = try #require(stale["flags"] as? [[String: Any]])
            #expect(flags.compactMap { $0["key"] as? String } == ["old-checkout"])
            #expect(flags.first?["variant"] as? String == "off")
            #expect(flags.first?["tenants"] as? Int == 1)
            let recent = server.expect(200, try await server.call(.GET, "/v1/admin/flags/stale"))
            #expect((recent["flags"] as? [Any])?.isEmpty == true)
            #expect(recent["days"] as? Int == 30)

            for query in ["days=-1", "days=40000", "days=soon"] {
                let answer = try await server.call(.GET, "/v1/admin/flags/stale?\(query)")
                server.expect(400, answer)
                #expect(answer.field == "days")
            }
        }
    }

    @Test("export is flagd JSON, byte for byte the CLI's; import checks all (dry run changes nothing), then records all; bad documents are refused")
    func exportAndImport() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"new-billing"}"#))
            server.expect(200, try await server.call(.PUT, "/v1/admin/flags/new-billing/entitlements/pro", #"{"variant":"on"}"#))

            let exported = try await server.call(.GET, "/v1/admin/flags/export")
            #expect(exported.status == 200)
            #expect(exported.response.header("Content-Type") == "application/json")
            let expected = FlagdDocument.export(try await server.runtime.flags.catalog().activeFlags)
            #expect(exported.response.body == Array(expected))
            #expect((exported.json["flags"] as? [String: Any])?.keys.sorted() == ["new-billing"])

            var document = try #require(try JSONSerialization.jsonObject(with: Data(exported.response.body)) as? [String: Any])
            var definitions = try #require(document["flags"] as? [String: Any])
            definitions["dark-mode"] = ["state": "ENABLED", "variants": ["on": true, "off": false], "defaultVariant": "off"]
            document["flags"] = definitions
            let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)

            let dryRun = server.expect(200, try await server.call(.POST, "/v1/admin/flags/import?dryRun=true", text))
            #expect(dryRun["dryRun"] as? Bool == true)
            let planned = ((dryRun["flags"] as? [[String: Any]]) ?? []).reduce(into: [String: String]()) { $0[$1["key"] as? String ?? ""] = $1["action"] as? String }
            #expect(planned == ["dark-mode": "defined", "new-billing": "unchanged"])
            #expect(try await server.runtime.flags.load(FlagKey("dark-mode")) == nil)

            let imported = server.expect(200, try await server.call(.POST, "/v1/admin/flags/import?reason=sync", text))
            #expect(imported["dryRun"] as? Bool == false)
            let history = try await server.runtime.flags.history(FlagKey("dark-mode"))
            #expect(history.first?.metadata.actor == "admin:tests")
            #expect(history.first?.metadata.reason == "sync")

            let refusals: [(String, Int)] = [
                ("", 400), ("[]", 400), ("{nope", 400),
                (#"{"flags":{"bad":{"state":"ENABLED","variants":{"on":true},"defaultVariant":"missing"}}}"#, 422),
            ]
            for (body, status) in refusals {
                let answer = try await server.call(.POST, "/v1/admin/flags/import", body)
                server.expect(status, answer)
            }
            #expect(try await server.runtime.flags.load(FlagKey("bad")) == nil)
        }
    }
}
