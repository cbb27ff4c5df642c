import Foundation
@testable import TenantryServer
import Testing

/// Schemathesis (from PyPI, `make python-tools`) generates requests from `/openapi.yaml`, valid
/// and invalid, and checks the server's answers against the document: no 5xx, only documented
/// statuses, content types and headers, bodies that match their schemas, a 4xx for every
/// request the document forbids, 405 with `Allow` for undocumented methods, and credentials
/// required where the document says so (`Support/openapi_contract.py`). A fixed seed and a
/// bounded number of examples per operation keep it reproducible and quick (about 30 s).
@Suite("The server keeps the OpenAPI document's contract")
struct OpenAPIContractTests {
    /// Operations the fuzzer leaves out, and why.
    static let excluded: [String: String] = [
        // An endless Server-Sent Events stream: every request would wait for the timeout.
        // OFREPEventStreamTests holds it to its contract.
        "flagChangeEvents": "an endless event stream",
    ]

    /// Checks not run (yet), each with the reason; empty when every check holds.
    static let skippedChecks: [String: String] = [:]

    /// The methods sent to every path that does not document them, to see 405 with `Allow`
    /// (all eight Schemathesis tries by default).
    static let unexpectedMethods = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE", "QUERY"]

    /// `TENANTRY_CONTRACT_SEED` and `TENANTRY_CONTRACT_EXAMPLES` fuzz another way or harder
    /// when set (by hand: `make test` uses seed 1 and 8 examples per operation).
    static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    @Test("every operation, fuzzed from the document (seed 1): no 5xx, documented statuses, content types and bodies, and forbidden requests refused")
    func fuzzedRequestsKeepTheContract() async throws {
        // The first tenant's key signs the tenant API and OFREP, and no admin operation names
        // it. Most admin operations name Bystander (its plan and attributes change); Paused is
        // suspended and resumed, Leaving offboarded. Most flag operations name contract-flag;
        // contract-archived is archived. Other values are generated: mostly 404s.
        try await withAdminServer(transport: .socket, tenants: ["Contract", "Bystander", "Paused", "Leaving"]) { server in
            for key in ["contract-flag", "contract-archived"] {
                let flag = try await server.call(.POST, "/v1/admin/flags", #"""
                    {"key":"\#(key)","type":"string","variants":{"a":"A","b":"B","c":"C"},"defaultVariant":"a"}
                    """#)
                try #require(flag.status == 201, "\(flag.text)")
            }
            let served = await server.views.flags.waitUntil(timeout: .conditionDeadline) { $0.anyFlag("contract-archived") != nil }
            try #require(served, "the server's catalog never showed the fixture flags")
            let (bystander, paused, leaving) = (server.tenants[1].tenant.slug, server.tenants[2].tenant.slug, server.tenants[3].tenant.slug)

            let document = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-contract-\(UUID().uuidString).yaml")
            try Data(OpenAPIRoutes<TenantryRequestContext>.document).write(to: document)
            defer { try? FileManager.default.removeItem(at: document) }
            // A module the install operation sometimes sends (else random bytes, refused with 422).
            let module = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-contract-\(UUID().uuidString).wasm")
            try Data(try WasmModules.validator(id: "contract-module")).write(to: module)
            defer { try? FileManager.default.removeItem(at: module) }

            var arguments = [
                "--document", document.path,
                "--base-url", "http://\(server.address.host):\(server.address.port)",
                "--api-key", server.tenants[0].apiKey,
                "--admin-token", server.token,
                "--seed", Self.environment("TENANTRY_CONTRACT_SEED") ?? "1",
                "--max-examples", Self.environment("TENANTRY_CONTRACT_EXAMPLES") ?? "8",
                "--value", "body.variant=a", "--value", "body.variant=b",
                "--value", "body.tenant=\(bystander)",
                // Bystander lives in main already: a move there answers 200 (`moved` false).
                "--value", "body.toCell=main",
                "--path-value", "key=contract-flag",
                "--path-value", "slug=\(bystander)",
                "--path-value", "tenant=\(bystander)",
                // Operations that end what they name get fixtures of their own, so the others
                // keep theirs.
                "--operation-path-value", "adminArchiveFlag:key=contract-archived",
                "--operation-path-value", "adminSuspendTenant:slug=\(paused)",
                "--operation-path-value", "adminResumeTenant:slug=\(paused)",
                "--operation-path-value", "adminOffboardTenant:slug=\(leaving)",
                // main is the one cell there is; changing or removing it is left to generated names (404).
                "--operation-path-value", "adminShowCell:name=main",
                "--operation-path-value", "adminShowCustomization:id=corporate-email",
                "--operation-path-value", "adminShowCustomizationVersion:id=corporate-email",
                "--operation-path-value", "adminShowCustomizationVersion:version=1.0.0",
                "--wasm-sample", module.path,
            ]
            for operation in Self.excluded.keys.sorted() { arguments += ["--exclude-operation-id", operation] }
            for check in Self.skippedChecks.keys.sorted() { arguments += ["--skip-check", check] }
            for method in Self.unexpectedMethods { arguments += ["--unexpected-method", method] }
            let outcome = try await PythonTool.run("openapi_contract.py", arguments, timeout: .seconds(300))
            try #require(outcome.status != 2, "\(outcome.standardError)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any],
                "\(outcome.standardOutput.suffix(2000))\(outcome.standardError.suffix(2000))"
            )
            let failures = report["failures"] as? [[String: Any]] ?? []
            for failure in failures {
                let request = failure["request"] as? [String: Any] ?? [:]
                let body = (try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys, .fragmentsAllowed]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(request)"
                Issue.record(Comment(rawValue: """
                    \(failure["operation"] ?? "?"): \(failure["check"] ?? "?") — \(failure["title"] ?? "") \(failure["message"] ?? "")
                    request: \(body)
                    answered \(failure["status"] ?? "?"): \(failure["response"] ?? "")
                    """))
            }
            let exitCode = report["exitCode"] as? Int ?? -1
            let output = String(describing: report["output"] ?? "").suffix(6000)
            if failures.isEmpty {
                #expect(exitCode == 0, "Schemathesis exited \(exitCode) without a failure to show: \(output)")
            } else {
                Issue.record("Schemathesis: \(output)")
            }

            // The run really covered the document: every operation but the excluded ones, most
            // of them with answers that succeeded (the fixtures exist), so success bodies were
            // held to their schemas too.
            let listing = try await PythonTool.run("openapi_operations.py", [document.path])
            let documented = try #require(
                (try JSONSerialization.jsonObject(with: Data(listing.standardOutput.utf8)) as? [String: Any])?["operations"] as? [[String]],
                "\(listing.standardError)"
            )
            let tested = Set(report["operations"] as? [String] ?? [])
            #expect(tested.count == documented.count - Self.excluded.count, "\(tested.count) of \(documented.count) operations were tested: \(tested.sorted())")
            let statuses = report["statuses"] as? [String: [String: Int]] ?? [:]
            let succeeded = statuses.filter { $0.value.keys.contains { $0.hasPrefix("2") || $0 == "304" } }.keys.sorted()
            #expect(succeeded.count >= 40, "only \(succeeded.count) operations ever succeeded: \(statuses)")
            let summary = statuses.keys.sorted().map { operation in
                "\(operation): " + (statuses[operation] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
            }
            let retried = (report["retried"] as? String).map { " (run twice: \($0))" } ?? ""
            print("OpenAPI contract\(retried), statuses by operation:\n" + summary.joined(separator: "\n"))
        }
    }
}
