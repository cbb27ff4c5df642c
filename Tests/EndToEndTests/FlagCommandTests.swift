import Foundation
import TestSupport
import Testing

@Suite("tenantry flag, end to end")
struct FlagCommandTests {
    typealias Evaluation = FlagCLI.Evaluation

    @Test("flag eval follows each change: override, rule, rollout, entitlement, kill switch; history says who and why")
    func evaluationFollowsChanges() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let acme = try await cli.createTenant("Acme Corp")
            let globex = try await cli.createTenant("Globex", plan: "pro")
            try await cli.succeed("flag", "define", "new-billing", "--type", "boolean", "--reason", "billing v2")
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("false", "off", "STATIC"))

            try await cli.succeed("flag", "set", "new-billing", "on", "--tenant", acme.slug, "--reason", "pilot customer")
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("true", "on", "TARGETING_MATCH"))
            #expect(try await cli.eval("new-billing", tenant: globex.slug) == Evaluation("false", "off", "DEFAULT"))
            try await cli.succeed("flag", "unset", "new-billing", "--tenant", acme.slug)
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("false", "off", "STATIC"))

            let rule = try await cli.succeed("flag", "rule", "add", "new-billing", "--variant", "on", "--when", "tenant.plan eq pro", "--reason", "pro first")
            #expect(rule.contains("rule r1 (position 1)"))
            #expect(try await cli.eval("new-billing", tenant: globex.slug) == Evaluation("true", "on", "TARGETING_MATCH"))
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("false", "off", "DEFAULT"))
            let rules = try await cli.succeed("flag", "rule", "list", "new-billing")
            let row = rules.split(separator: "\n").last?.split(separator: " ").map(String.init)
            #expect(row == ["1", "r1", "tenant.plan", "eq", #""pro""#, "on"], "\(rules)")

            try await cli.succeed("flag", "rollout", "new-billing", "100")
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("true", "on", "SPLIT"))
            #expect(try await cli.eval("new-billing", tenant: globex.slug) == Evaluation("true", "on", "TARGETING_MATCH"))
            try await cli.succeed("flag", "rollout", "new-billing", "--off")

            try await cli.succeed("flag", "entitle", "new-billing", "--plan", "trial", "on")
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("true", "on", "TARGETING_MATCH"))

            try await cli.succeed("flag", "disable", "new-billing", "--reason", "incident 4711")
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("false", "off", "DISABLED"))
            #expect(try await cli.eval("new-billing", tenant: globex.slug) == Evaluation("false", "off", "DISABLED"))

            let events = try await cli.history("new-billing")
            #expect(events.map { $0["type"] as? String } == [
                "FlagDefined", "TenantFlagOverrideSet", "TenantFlagOverrideCleared", "FlagRulesChanged",
                "FlagRolloutChanged", "FlagRolloutChanged", "FlagEntitlementsChanged", "FlagDisabled",
            ])
            let metadata = events.map { $0["metadata"] as? [String: Any] ?? [:] }
            #expect(metadata.allSatisfy { ($0["actor"] as? String)?.hasPrefix("operator:") == true })
            #expect(metadata.map { $0["reason"] as? String } == [
                "billing v2", "pilot customer", nil, "pro first", nil, nil, nil, "incident 4711",
            ])
            let table = try await cli.succeed("flag", "history", "new-billing")
            #expect(table.contains("override: tenant \(acme.slug) gets on"), "\(table)")
            #expect(table.contains("incident 4711"))
            #expect(table.contains(#"rule r1 added at position 1: tenant.plan eq "pro" → on"#), "\(table)")
        }
    }

    @Test("bad input is one line on stderr with its exit status, and records nothing")
    func badInputRecordsNothing() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let acme = try await cli.createTenant("Acme Corp")
            try await cli.succeed("flag", "define", "theme", "--type", "string", "--variant", "light", "--variant", "dark", "--default", "light")
            let refusals: [(arguments: [String], status: Int32, message: String)] = [
                (["flag", "set", "theme", "blue", "--tenant", acme.slug], 65, #"unknown variant "blue""#),
                (["flag", "set", "theme", "dark", "--tenant", "nobody"], 66, "no tenant"),
                (["flag", "rollout", "theme", "150"], 64, "between 0 and 100"),
                (["flag", "rollout", "theme", "50", "--variant", "purple"], 65, #"unknown variant "purple""#),
                (["flag", "rule", "add", "theme", "--variant", "dark", "--when", "tenant.plan is pro"], 64, #"unknown operator "is""#),
                (["flag", "rule", "remove", "theme", "r9"], 65, #"no rule named "r9""#),
                (["flag", "entitle", "theme", "--plan", "gold", "dark"], 64, "gold"),
                (["flag", "define", "theme", "--type", "string", "--variant", "x"], 65, #"flag "theme" exists already"#),
                (["flag", "define", "page-size", "--type", "integer", "--variant", "big"], 65, #"variant "big" needs a value"#),
                (["flag", "define", "Bad Key"], 64, "invalid flag key"),
                (["flag", "eval", "nope", "--tenant", acme.slug], 66, "FLAG_NOT_FOUND"),
                (["flag", "eval", "theme", "--tenant", acme.slug, "--context", "tenant.plan=enterprise"], 65, "reserved"),
                (["flag", "show", "nope"], 66, #"no flag "nope""#),
            ]
            for refusal in refusals {
                let outcome = try await cli.run(refusal.arguments)
                let command = refusal.arguments.joined(separator: " ")
                #expect(outcome.status == refusal.status, "\(command): \(outcome.standardError)")
                #expect(outcome.standardError.hasPrefix("error: "), "\(command)")
                #expect(outcome.standardError.filter { $0 == "\n" }.count == 1, "\(command): \(outcome.standardError)")
                #expect(outcome.standardError.contains(refusal.message), "\(command): \(outcome.standardError)")
            }
            #expect(try await cli.history("theme").count == 1)
            #expect(try await cli.run("flag", "history", "page-size").status == 66)
        }
    }

    @Test("list and show print every part of a flag; scheduled changes apply when due; archived flags stop evaluating")
    func listShowScheduleArchive() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let acme = try await cli.createTenant("Acme Corp")
            try await cli.succeed("flag", "define", "new-billing")
            try await cli.succeed(
                "flag", "define", "page-size", "--type", "integer", "--variant", "small=20", "--variant", "big=100",
                "--description", "rows per page", "--metadata", "owner=web", "--metadata", "ticket=42"
            )
            try await cli.succeed("flag", "set", "page-size", "big", "--tenant", acme.slug)
            try await cli.succeed("flag", "rule", "add", "page-size", "--variant", "big", "--name", "nordics", "--when", "country in se,no", "--when", "tenant.plan ne free")
            try await cli.succeed("flag", "rule", "add", "page-size", "--variant", "small", "--when", "tenant.plan eq free", "--position", "1")
            try await cli.succeed("flag", "rollout", "page-size", "25")
            try await cli.succeed("flag", "entitle", "page-size", "--plan", "enterprise", "big")
            try await cli.succeed("flag", "require", "page-size", "new-billing=on")
            try await cli.succeed("flag", "schedule", "page-size", "--at", "2999-01-01T00:00:00Z", "disable")

            let list = try #require(try await cli.json("flag", "list", "--json") as? [[String: Any]])
            #expect(list.map { $0["key"] as? String } == ["new-billing", "page-size"])
            let shown = try #require(try await cli.json("flag", "show", "page-size", "--json") as? [String: Any])
            #expect(shown["type"] as? String == "integer")
            #expect(shown["description"] as? String == "rows per page")
            #expect(shown["variants"] as? [String: Int] == ["small": 20, "big": 100])
            #expect(shown["defaultVariant"] as? String == "small")
            let metadata = try #require(shown["metadata"] as? [String: Any])
            #expect(metadata["owner"] as? String == "web")
            #expect(metadata["ticket"] as? Int == 42)
            let overrides = try #require(shown["overrides"] as? [[String: Any]])
            #expect(overrides.first?["slug"] as? String == acme.slug)
            #expect(overrides.first?["tenantId"] as? String == acme.id)
            let rules = try #require(shown["rules"] as? [[String: Any]])
            #expect(rules.map { $0["name"] as? String } == ["r1", "nordics"])
            let nordics = try #require(rules.last?["condition"] as? [String: Any])
            #expect((nordics["all"] as? [[String: Any]])?.first?["value"] as? [String] == ["se", "no"])
            let rollout = try #require(shown["rollout"] as? [String: Any])
            #expect((rollout["splits"] as? [[String: Any]])?.map { $0["weight"] as? Int } == [25, 75])
            #expect(shown["entitlements"] as? [String: String] == ["enterprise": "big"])
            #expect((shown["prerequisites"] as? [[String: String]]) == [["flag": "new-billing", "variant": "on"]])
            #expect((shown["scheduledChanges"] as? [[String: Any]])?.first?["action"] as? String == "disable")
            let text = try await cli.succeed("flag", "list")
            let row = text.split(separator: "\n").first { $0.hasPrefix("page-size ") }?.split(separator: " ").map(String.init)
            #expect(row.map { Array($0.prefix(7)) } == ["page-size", "integer", "yes", "small", "2", "25%", "1"], "\(text)")

            let scheduledID = try #require((shown["scheduledChanges"] as? [[String: Any]])?.first?["id"] as? String)
            try await cli.succeed("flag", "unschedule", "page-size", scheduledID)
            try await cli.succeed("flag", "entitle", "page-size", "--plan", "enterprise", "--none")
            #expect(try await cli.succeed("flag", "rule", "remove", "page-size", "r1").contains("rule r1 removed; 1 rule(s) left"))
            let changed = try #require(
                try await cli.json("flag", "variants", "page-size", "--variant", "big=100", "--variant", "small=10", "--json") as? [String: Any]
            )
            #expect(changed["variants"] as? [String: Int] == ["small": 10, "big": 100])
            // Without --default the flag keeps its own default, being still a variant.
            #expect(changed["defaultVariant"] as? String == "small")
            #expect((changed["scheduledChanges"] as? [Any])?.isEmpty == true)
            #expect(changed["entitlements"] as? [String: String] == [:])
            #expect((changed["rules"] as? [[String: Any]])?.map { $0["name"] as? String } == ["nordics"])

            // A change scheduled in the past is applied by apply-due, as the scheduler would.
            try await cli.succeed("flag", "schedule", "new-billing", "--at", "2001-01-01T00:00:00Z", "enable")
            try await cli.succeed("flag", "disable", "new-billing")
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("false", "off", "DISABLED"))
            #expect(try await cli.succeed("flag", "apply-due").contains("applied 1 scheduled change(s)"))
            #expect(try await cli.eval("new-billing", tenant: acme.slug) == Evaluation("false", "off", "STATIC"))

            // A required flag cannot be archived; once nothing requires it, it can.
            #expect(try await cli.run("flag", "archive", "new-billing").status == 65)
            try await cli.succeed("flag", "require", "page-size", "--none")
            try await cli.succeed("flag", "archive", "new-billing", "--reason", "done")
            #expect(try await cli.run("flag", "eval", "new-billing", "--tenant", acme.slug).status == 66)
            #expect(try await cli.run("flag", "enable", "new-billing").status == 65)
            let active = try #require(try await cli.json("flag", "list", "--json") as? [[String: Any]])
            #expect(active.map { $0["key"] as? String } == ["page-size"])
            let all = try #require(try await cli.json("flag", "list", "--archived", "--json") as? [[String: Any]])
            #expect(all.map { $0["key"] as? String } == ["new-billing", "page-size"])
        }
    }

    @Test("flag stale lists a flag every tenant gets the same variant of, not one whose override makes tenants differ")
    func staleFlags() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let acme = try await cli.createTenant("Acme Corp")
            _ = try await cli.createTenant("Globex", plan: "pro")
            try await cli.succeed("flag", "define", "uniform")
            try await cli.succeed("flag", "define", "differs")
            try await cli.succeed("flag", "set", "differs", "on", "--tenant", acme.slug)
            let stale = try #require(try await cli.json("flag", "stale", "--days", "0", "--json") as? [[String: Any]])
            #expect(stale.map { $0["key"] as? String } == ["uniform"])
            #expect(stale.first?["variant"] as? String == "off")
            #expect(stale.first?["tenants"] as? Int == 2)
            #expect(try await cli.succeed("flag", "stale").hasPrefix("no stale flags"))
        }
    }

    @Test("flags exported to a flagd document and imported into another database evaluate the same there")
    func exportImportRoundTrip() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-flags-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let evaluations: [[String]] = [
            ["new-billing", "--tenant", "globex"],
            ["theme", "--tenant", "globex"],
            ["theme", "--tenant", "acme-corp", "--context", "country=se"],
            ["legacy", "--tenant", "acme-corp"],
            ["page-size", "--tenant", "globex"],
        ] + (1...6).map { ["new-billing", "--tenant", "acme-corp", "--targeting-key", "user-\($0)"] }

        func evaluateAll(_ cli: FlagCLI) async throws -> [FlagCLI.Evaluation] {
            var results: [FlagCLI.Evaluation] = []
            for arguments in evaluations {
                results.append(try await cli.eval(arguments[0], tenant: arguments[2], Array(arguments.dropFirst(3))))
            }
            return results
        }

        let original = try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            _ = try await cli.createTenant("Acme Corp")
            _ = try await cli.createTenant("Globex", plan: "pro")
            try await cli.succeed("flag", "define", "new-billing")
            try await cli.succeed("flag", "rule", "add", "new-billing", "--variant", "on", "--when", "tenant.plan eq pro")
            try await cli.succeed("flag", "rollout", "new-billing", "50")
            try await cli.succeed("flag", "define", "theme", "--type", "string", "--variant", "light", "--variant", "dark", "--variant", "contrast")
            try await cli.succeed("flag", "rule", "add", "theme", "--variant", "contrast", "--when", "country in se,no")
            try await cli.succeed("flag", "entitle", "theme", "--plan", "pro", "dark")
            try await cli.succeed("flag", "define", "legacy", "--disabled")
            try await cli.succeed("flag", "define", "page-size", "--type", "integer", "--variant", "small=20", "--variant", "big=100", "--default", "small")
            try await cli.succeed("flag", "require", "page-size", "new-billing=on")
            try await cli.succeed("flag", "rule", "add", "page-size", "--variant", "big", "--when", "tenant.slug starts-with glo")
            #expect(try await cli.succeed("flag", "export", file.path).contains("exported 4 flag(s)"))
            return try await evaluateAll(cli)
        }
        #expect(Set(original.map(\.reason)).isSuperset(of: ["SPLIT", "DEFAULT", "TARGETING_MATCH", "DISABLED"]), "\(original)")

        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            _ = try await cli.createTenant("Acme Corp")
            _ = try await cli.createTenant("Globex", plan: "pro")
            let dryRun = try await cli.succeed("flag", "import", file.path, "--dry-run")
            #expect(dryRun.contains("new-billing: would define"), "\(dryRun)")
            #expect(try await cli.succeed("flag", "list") == "no flags\n")
            let imported = try await cli.succeed("flag", "import", file.path, "--reason", "from staging")
            #expect(imported.contains("page-size: defined"), "\(imported)")
            let again = try #require(try await cli.json("flag", "import", file.path, "--json") as? [[String: String]])
            #expect(again.map { $0["action"] } == ["unchanged", "unchanged", "unchanged", "unchanged"])
            #expect(try await evaluateAll(cli) == original)
            let history = try await cli.history("page-size")
            #expect(history.allSatisfy { ($0["metadata"] as? [String: Any])?["reason"] as? String == "from staging" })
        }
    }

    @Test("flag variants keeps a flagd flag without a default variant without one, and moves a removed default to the first given")
    func variantsKeepTheDefaultAsItIs() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("variants-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"""
            {"flags": {"greeting": {"state": "ENABLED", "variants": {"hi": "hi", "bye": "bye"},
              "targeting": {"if": [{"ends_with": [{"var": "email"}, "@faas.com"]}, "hi"]}}}}
            """#.utf8).write(to: file)
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            try await cli.succeed("flag", "import", file.path)
            let added = try #require(
                try await cli.json("flag", "variants", "greeting", "--variant", "hi=hi", "--variant", "bye=bye", "--variant", "hey=hey", "--json")
                    as? [String: Any]
            )
            #expect(added["variants"] as? [String: String] == ["hi": "hi", "bye": "bye", "hey": "hey"])
            #expect(added["defaultVariant"] as? String == nil, "\(added)")

            try await cli.succeed("flag", "define", "theme", "--type", "string", "--variant", "light", "--variant", "dark", "--default", "dark")
            let replaced = try #require(
                try await cli.json("flag", "variants", "theme", "--variant", "light", "--variant", "contrast", "--json") as? [String: Any]
            )
            #expect(replaced["defaultVariant"] as? String == "light")
        }
    }
}
