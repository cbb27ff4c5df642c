import Customizations
import EventStore
import Extensions
import FeatureFlags
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import Testing
import TestSupport
import WasmCustomizations
import WasmTestSupport

@Suite("Pooled tenants customized by WebAssembly modules: validators and flag defaults, per tenant")
struct PooledCustomizationTests {
    static let change = FlagService.Change(actor: "test")

    static func install(_ bytes: [UInt8], on runtime: TenantryRuntime) async throws {
        _ = try await runtime.customizations(catalog: ReleaseCustomizations.catalog).install(bytes, actor: "admin:test", reason: nil)
    }

    static func exampleBytes(_ name: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return Array(try Data(contentsOf: root.appendingPathComponent(".build/wasm/\(name).wasm")))
    }

    static func signup(_ name: String, on runtime: TenantryRuntime) async throws -> TenantState {
        try await runtime.tenants.create(SignupRequest(email: "owner@\(name).example", organization: name.capitalized), actor: "test").tenant
    }

    @Test("data-residency on one tenant: its region changes are judged (a refusal writes nothing), another tenant's are not; its flag default becomes its override, never over one set")
    func dataResidency() async throws {
        try await withTestRuntime { runtime, _ in
            try await Self.install(try Self.exampleBytes("data-residency"), on: runtime)
            let regions = Flag(key: try FlagKey("storage-region"), type: .string, variants: ["eu": "eu", "ch": "ch", "us": "us"], defaultVariant: "us")
            _ = try await runtime.flags.define(regions, by: Self.change)
            let acme = try await Self.signup("acme", on: runtime)
            let other = try await Self.signup("other", on: runtime)
            let preset = try await Self.signup("preset", on: runtime)
            _ = try await runtime.flags.setOverride(regions.key, tenant: preset.id, variant: "ch", by: Self.change)

            let assignment = try await runtime.tenants.customizations.assign(
                "data-residency", settings: ["regions": "eu, ch"], to: acme, flags: runtime.flags, actor: "admin:test", reason: "EU only")
            #expect(assignment.reference == "data-residency@1.0.0" && assignment.module.hasPrefix("sha256:"))
            #expect(assignment.settings == ["regions": "eu, ch", "home-region": "eu", "attribute": "region"])
            _ = try await runtime.tenants.customizations.assign(
                "data-residency@1.0.0", settings: ["regions": "ch", "home-region": "ch"], to: preset, flags: runtime.flags, actor: "admin:test", reason: nil)
            let flags = try #require(try await runtime.flags.load(regions.key))
            #expect(flags.overrides[acme.id] == "eu" && flags.overrides[preset.id] == "ch" && flags.overrides[other.id] == nil)

            let refused = await #expect(throws: CustomizationError.self) {
                try await runtime.tenants.changeAttributes(acme.slug, set: ["region": .string("us")], remove: [], reason: nil, actor: "admin:test")
            }
            #expect(refused?.kind == .refused && refused?.detail == "region must be one of eu, ch (data residency), not 'us'", "\(String(describing: refused))")
            let unchanged = try await runtime.tenants.tenant(acme.slug)
            #expect(unchanged.attributes["region"] == nil && unchanged.version == acme.version, "nothing written")
            _ = try await runtime.tenants.changeAttributes(acme.slug, set: ["region": .string("ch")], remove: [], reason: nil, actor: "admin:test")
            _ = try await runtime.tenants.changeAttributes(other.slug, set: ["region": .string("us")], remove: [], reason: nil, actor: "admin:test")

            #expect(try await runtime.tenants.customizations.remove(from: acme.id, actor: "admin:test", reason: "lifted"))
            #expect(try await runtime.tenants.customizations.assignment(of: acme.id) == nil)
            _ = try await runtime.tenants.changeAttributes(acme.slug, set: ["region": .string("us")], remove: [], reason: nil, actor: "admin:test")
            #expect(try await !runtime.tenants.customizations.remove(from: acme.id, actor: "admin:test", reason: nil))
        }
    }

    /// A module whose attributes-change validator refuses with `word`, at `version`.
    static func versioned(_ version: String, refusing word: String, extraManifest: String = "", imports: String = "") -> String {
        let manifest = #"{"abi":1,"id":"fixture","version":"\#(version)","summary":"s","hooks":{"validate":["attributes-change"]\#(extraManifest)}}"#
        let answers = [#"{"refuse":"\#(word)"}"#]
        return ModuleFixtures.wat(
            manifest: manifest, imports: imports,
            functions: "(func (export \"tenantry_validate\") (param i32 i32) (result i64) \(ModuleFixtures.packed(answers, 0)))", answers: answers)
    }

    @Test("a module that could reach beyond the call, or keeps secrets, is not assigned to a pooled tenant; nor to a dedicated one; nothing is recorded")
    func refusals() async throws {
        try await withTestRuntime { runtime, _ in
            let tenant = try await Self.signup("acme", on: runtime)
            let reactions = ModuleFixtures.wat(
                manifest: #"{"abi":1,"id":"reacting","version":"1.0.0","summary":"s","hooks":{"reactions":[{"name":"audit"}]}}"#,
                functions: #"(func (export "tenantry_react") (param i32 i32) (result i64) (i64.const 0))"#)
            let network = ModuleFixtures.wat(
                manifest: #"{"abi":1,"id":"calling","version":"1.0.0","summary":"s","settings":[{"name":"allowed-domains","kind":"string","summary":"s"}],"hooks":{"validate":["signup"]}}"#,
                imports: #"(import "tenantry" "http" (func $http (param i32 i32) (result i32)))"#,
                functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (drop (call $http (i32.const 0) (i32.const 0))) (i64.const 0))"#)
            let secret = ModuleFixtures.wat(
                manifest: #"{"abi":1,"id":"secretive","version":"1.0.0","summary":"s","settings":[{"name":"token","kind":"string","summary":"s","secret":true}],"hooks":{"validate":["signup"]}}"#,
                functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#)
            for (wat, id, saying) in [(reactions, "reacting", "has reactions"), (network, "calling", "imports tenantry.http"), (secret, "secretive", "setting 'token' is secret")] {
                try await Self.install(try ModuleFixtures.bytes(wat), on: runtime)
                let error = await #expect(throws: PooledCustomizationError.self) {
                    try await runtime.tenants.customizations.assign(id, settings: ["allowed-domains": "x.example", "token": "t"], to: tenant, flags: runtime.flags, actor: "t", reason: nil)
                }
                #expect(error?.description.contains(saying) == true, "\(String(describing: error))")
            }
            try await Self.install(try ModuleFixtures.bytes(Self.versioned("1.0.0", refusing: "no")), on: runtime)
            await #expect(throws: UnknownCustomization.self) {
                try await runtime.tenants.customizations.assign("fixture@2.0.0", settings: [:], to: tenant, flags: runtime.flags, actor: "t", reason: nil)
            }
            await #expect(throws: SettingError.self) {
                try await runtime.tenants.customizations.assign("fixture", settings: ["color": "red"], to: tenant, flags: runtime.flags, actor: "t", reason: nil)
            }
            #expect(try await runtime.tenants.customizations.assignment(of: tenant.id) == nil)
        }
    }

    @Test("a module replaced mid-traffic: every change is judged by exactly one version, none fails otherwise, and after the switch only the new one judges")
    func replacedMidTraffic() async throws {
        try await withTestRuntime { runtime, _ in
            let tenant = try await Self.signup("acme", on: runtime)
            try await Self.install(try ModuleFixtures.bytes(Self.versioned("1.0.0", refusing: "v1")), on: runtime)
            try await Self.install(try ModuleFixtures.bytes(Self.versioned("2.0.0", refusing: "v2")), on: runtime)
            _ = try await runtime.tenants.customizations.assign("fixture@1.0.0", settings: [:], to: tenant, flags: runtime.flags, actor: "t", reason: nil)
            let barrier = Barrier(parties: 5)
            let verdicts = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await barrier.arrive()
                        var seen: [String] = []
                        for _ in 0..<15 {
                            do {
                                _ = try await runtime.tenants.changeAttributes(tenant.slug, set: ["tier": .string("x")], remove: [], reason: nil, actor: "t")
                                seen.append("accepted")
                            } catch let error as CustomizationError {
                                seen.append(error.kind == .refused ? error.detail : "\(error.kind): \(error.detail)")
                            }
                        }
                        return seen
                    }
                }
                group.addTask {
                    try await barrier.arrive()
                    _ = try await runtime.tenants.customizations.assign("fixture", settings: [:], to: tenant, flags: runtime.flags, actor: "t", reason: "v2")
                    return []
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(verdicts.count == 60)
            #expect(verdicts.allSatisfy { $0 == "v1" || $0 == "v2" }, "\(Set(verdicts))")
            let after = await #expect(throws: CustomizationError.self) {
                try await runtime.tenants.changeAttributes(tenant.slug, set: ["tier": .string("y")], remove: [], reason: nil, actor: "t")
            }
            #expect(after?.detail == "v2")
            #expect(try await runtime.tenants.customizations.assignment(of: tenant.id)?.reference == "fixture@2.0.0")
        }
    }
}
