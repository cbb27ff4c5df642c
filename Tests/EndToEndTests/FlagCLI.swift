import Foundation
import TestSupport
import Testing

/// The `tenantry` binary pointed at one test database, with the few things flag tests do over
/// and over: create a tenant, run a command that must succeed, evaluate a flag.
struct FlagCLI {
    let environment: [String: String]

    init(_ database: TestDatabase) {
        environment = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
    }

    /// What `flag eval` prints for people: value, variant and reason.
    struct Evaluation: Equatable, CustomStringConvertible {
        var value: String
        var variant: String
        var reason: String

        init(_ value: String, _ variant: String, _ reason: String) {
            self.value = value
            self.variant = variant
            self.reason = reason
        }

        var description: String { "\(value) \(variant) \(reason)" }
    }

    func run(_ arguments: [String]) async throws -> TenantryProcess.Outcome {
        try await TenantryProcess.run(arguments, environment: environment)
    }

    func run(_ arguments: String...) async throws -> TenantryProcess.Outcome {
        try await run(arguments)
    }

    /// Runs a command that must succeed; returns what it printed.
    @discardableResult
    func succeed(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let outcome = try await run(arguments)
        #expect(outcome.status == 0, "tenantry \(arguments.joined(separator: " ")): \(outcome.standardError)", sourceLocation: sourceLocation)
        return outcome.standardOutput
    }

    /// Runs a command that prints one JSON value and must succeed.
    func json(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> Any {
        let outcome = try await run(arguments)
        #expect(outcome.status == 0, "tenantry \(arguments.joined(separator: " ")): \(outcome.standardError)", sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8), options: .fragmentsAllowed)
    }

    /// Creates an active tenant; returns its slug and id.
    func createTenant(_ name: String, plan: String = "trial") async throws -> (slug: String, id: String) {
        let created = try await run("tenant", "create", name, "--email", "ops@example.com", "--plan", plan, "--json")
        #expect(created.status == 0, "\(created.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
        return (try #require(object["slug"] as? String), try #require(object["id"] as? String))
    }

    /// `flag eval <key> --tenant <slug> …` as people read it.
    func eval(_ key: String, tenant: String, _ extra: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws -> Evaluation {
        try await eval(key, tenant: tenant, extra, sourceLocation: sourceLocation)
    }

    func eval(_ key: String, tenant: String, _ extra: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Evaluation {
        let outcome = try await run(["flag", "eval", key, "--tenant", tenant] + extra)
        #expect(outcome.status == 0, "flag eval \(key) for \(tenant): \(outcome.standardError)", sourceLocation: sourceLocation)
        var fields: [String: String] = [:]
        for line in outcome.lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Evaluation(fields["value"] ?? "?", fields["variant"] ?? "?", fields["reason"] ?? "?")
    }

    /// The flag's events (`flag history --json`), oldest first.
    func history(_ key: String) async throws -> [[String: Any]] {
        let outcome = try await run("flag", "history", key, "--json")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return try outcome.lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }
}
