import Extensions
import Testing
import WasmCustomizations
import WasmTestSupport

@Suite("Installing a module: what the host refuses before anything of it runs")
struct ModuleInspectionTests {
    @Test("a well-formed validator is accepted: id, version, settings and hooks from its manifest, content-addressed")
    func accepted() throws {
        let manifest = #"{"abi":1,"id":"fixture","version":"1.2.0","summary":"a test module","settings":[{"name":"domain","kind":"domain","summary":"d"},{"name":"strict","kind":"boolean","summary":"s","default":"false"}],"hooks":{"validate":["signup","plan-change"]},"limits":{"fuel":1000}}"#
        let bytes = try ModuleFixtures.bytes(ModuleFixtures.validator(answer: nil, manifest: manifest))
        let module = try CompiledModule(bytes: bytes)
        #expect(module.manifest.id == "fixture" && module.manifest.version == "1.2.0")
        #expect(module.manifest.settings.map(\.name) == ["domain", "strict"] && module.manifest.settings[1].defaultValue == "false")
        #expect(module.manifest.hooks.validate == ["signup", "plan-change"])
        #expect(module.limits.validatorFuel == 1000 && module.limits.reactionFuel == 1000)
        #expect(module.sha256.count == 64 && module.contentAddress == "sha256:\(module.sha256)")
        #expect(try CompiledModule(bytes: bytes).sha256 == module.sha256)
    }

    /// Modules the host refuses, and what the refusal must name.
    static let refusals: [(name: String, wat: String, naming: String)] = [
        ("no manifest", "(module (memory (export \"memory\") 1 2))", "no 'tenantry.customization' custom section"),
        ("two manifests", #"(module (@custom "tenantry.customization" "{}") (@custom "tenantry.customization" "{}") (memory (export "memory") 1 2))"#, "2 'tenantry.customization' sections"),
        ("manifest not JSON", ModuleFixtures.validator(answer: nil, manifest: "not json"), "not a JSON object"),
        ("unknown manifest key", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"validate":["signup"]},"hook":{}}"#), "unknown member 'hook'"),
        ("unknown hooks key", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"validate":["signup"],"validators":[]}}"#), "manifest.hooks has an unknown member 'validators'"),
        ("other ABI", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":2,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"validate":["signup"]}}"#), "abi is 2"),
        ("bad id", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"Fix Ture","version":"1.0.0","summary":"s","hooks":{"validate":["signup"]}}"#), "is not an id"),
        ("bad version", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0","summary":"s","hooks":{"validate":["signup"]}}"#), "not a semantic version"),
        ("version as number", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":1,"summary":"s","hooks":{"validate":["signup"]}}"#), "manifest.version must be a string"),
        ("bad setting kind", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","settings":[{"name":"x1","kind":"color","summary":"s"}],"hooks":{"validate":["signup"]}}"#), "kind 'color'"),
        ("bad setting default", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","settings":[{"name":"n1","kind":"integer","summary":"s","default":"many"}],"hooks":{"validate":["signup"]}}"#), "default that is not of kind integer"),
        ("unknown command", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"validate":["delete-everything"]}}"#), "'delete-everything', which is no command"),
        ("no hooks", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{}}"#), "declares no hooks"),
        ("ungranted WASI import", ModuleFixtures.wat(imports: #"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#, functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "imports wasi_snapshot_preview1.fd_write, which this host does not grant"),
        ("ungranted host function", ModuleFixtures.wat(imports: #"(import "tenantry" "clock" (func (result i64)))"#, functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "imports tenantry.clock, which this host does not grant"),
        ("http without an allow-list", ModuleFixtures.wat(imports: #"(import "tenantry" "http" (func (param i32 i32) (result i32)))"#, functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "declares no 'allowed-domains' setting"),
        ("wrong import signature", ModuleFixtures.wat(imports: #"(import "tenantry" "log" (func (param i64)))"#, functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "cannot be instantiated"),
        ("imported memory", #"(module (@custom "tenantry.customization" "{\"abi\":1,\"id\":\"fixture\",\"version\":\"1.0.0\",\"summary\":\"s\",\"hooks\":{\"validate\":[\"signup\"]}}") (import "tenantry" "memory" (memory 1 2)))"#, "imports tenantry.memory, which is not a function"),
        ("memory without a maximum", ModuleFixtures.wat(memory: "1", functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "declares no maximum"),
        ("memory over the limit", ModuleFixtures.wat(memory: "1 17", functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "may grow to 17 pages; at most 16"),
        ("memory over the manifest's own limit", ModuleFixtures.wat(manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"validate":["signup"]},"limits":{"memoryPages":1}}"#, memory: "1 2", functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "may grow to 2 pages; at most 1"),
        ("unbounded table", ModuleFixtures.wat(functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#, extra: "(table 100000 funcref)"), "maximum of at most 10000 elements"),
        ("unexported mutable global", ModuleFixtures.wat(functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#, extra: "(global $hidden (mut i32) (i32.const 0))"), "global 1 is mutable but not exported"),
        ("declared hook not exported", ModuleFixtures.wat(functions: ""), "does not export tenantry_validate"),
        ("exported hook not declared", ModuleFixtures.wat(functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0)) (func (export "tenantry_flag_defaults") (result i64) (i64.const 0))"#), "exports tenantry_flag_defaults but its manifest declares no flagDefaults hook"),
        ("wrong hook signature", ModuleFixtures.wat(functions: #"(func (export "tenantry_validate") (param i32) (result i32) (i32.const 0))"#), "tenantry_validate must be"),
        ("author's allow-list", ModuleFixtures.wat(manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","settings":[{"name":"allowed-domains","kind":"string","summary":"s","default":"evil.example"}],"hooks":{"validate":["signup"]}}"#, imports: #"(import "tenantry" "http" (func (param i32 i32) (result i32)))"#, functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#), "'allowed-domains' may have no default"),
        ("too many tables", ModuleFixtures.wat(functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#, extra: "(table 1 1 funcref) (table 1 1 funcref) (table 1 1 funcref) (table 1 1 funcref) (table 1 1 funcref)"), "defines 5 tables; at most 4"),
        ("reaction declared twice", ModuleFixtures.wat(manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"reactions":[{"name":"audit"},{"name":"audit","categories":["doc"]}]}}"#, functions: #"(func (export "tenantry_react") (param i32 i32) (result i64) (i64.const 0))"#), "declares 'audit' twice"),
        ("manifest nested too deep", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"validate":["signup"]},"x":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}"), "not a JSON object"),
        ("manifest member twice", ModuleFixtures.validator(answer: nil, manifest: #"{"abi":1,"id":"fixture","id":"other","version":"1.0.0","summary":"s","hooks":{"validate":["signup"]}}"#), "not a JSON object"),
        ("start function loops", ModuleFixtures.wat(functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0)) (func $spin (loop $l (br $l))) (start $spin)"#), "ran out of fuel"),
    ]

    @Test("a module the host cannot run safely is refused at install, the refusal naming what is wrong", arguments: 0..<refusals.count)
    func refused(_ index: Int) throws {
        let (name, wat, naming) = Self.refusals[index]
        let bytes = try ModuleFixtures.bytes(wat)
        let error = #expect(throws: ModuleRefusal.self, "\(name)") { try CompiledModule(bytes: bytes) }
        #expect(error?.reason.contains(naming) == true, "\(name): \(error?.reason ?? "accepted")")
    }

    @Test("an invalid function body is refused at install, though a lazy engine would run the module until it is called")
    func invalidBody() throws {
        // A function declared to return i32 whose body leaves nothing on the stack.
        let wat = ModuleFixtures.wat(functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0)) (func $broken (result i32) (nop))"#)
        let bytes = try? ModuleFixtures.bytes(wat)
        if let bytes {
            #expect(throws: ModuleRefusal.self) { try CompiledModule(bytes: bytes) }
        }
        #expect(throws: ModuleRefusal.self) { try CompiledModule(bytes: [0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0, 0xff]) }
        #expect(throws: ModuleRefusal.self) { try CompiledModule(bytes: Array("not wasm".utf8)) }
    }

    @Test("a module over 256 KiB is refused before it is parsed")
    func tooLarge() {
        let error = #expect(throws: ModuleRefusal.self) { try CompiledModule(bytes: [UInt8](repeating: 0, count: 256 * 1024 + 1)) }
        #expect(error?.reason.contains("at most 262144") == true)
    }
}
