import Extensions
import Foundation
import HTTPTestSupport
import Hummingbird
import Testing
import WasmCustomizations
import WasmTestSupport

@Suite("The sandbox: a module's calls within fuel, memory and budget, answered through the customization contract")
struct SandboxTests {
    static let signup = SignupCommand(email: "ann@acme.example", organization: "Acme", plan: "pro")

    static func host(_ wat: String, settings: [String: String] = [:], options: WasmCustomization.Options = .init()) throws -> CustomizationHost {
        try CustomizationHost(WasmCustomization.definition(try ModuleFixtures.compiled(wat), options: options), settings: settings)
    }

    static func validatorBody(_ body: String, locals: String = "") -> String {
        "(func (export \"tenantry_validate\") (param $input i32) (param $length i32) (result i64) \(locals) \(body))"
    }

    @Test("nothing or {accept:true} accepts; {refuse} refuses with its reason, naming the customization; other answers are the module's fault")
    func answers() async throws {
        try await Self.host(ModuleFixtures.validator(answer: nil)).validate(Self.signup)
        try await Self.host(ModuleFixtures.validator(answer: #"{"accept":true}"#)).validate(Self.signup)
        let refused = await #expect(throws: CustomizationError.self) {
            try await Self.host(ModuleFixtures.validator(answer: #"{"refuse":"only staff may sign up"}"#)).validate(Self.signup)
        }
        #expect(refused?.kind == .refused && refused?.detail == "only staff may sign up" && refused?.customization == "fixture")
        // Hostile answers are read in one pass, whatever they hold: nested past the limit,
        // a member twice, a flat list as long as an answer may be.
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let flat = "[" + Array(repeating: "1", count: 30_000).joined(separator: ",") + "]"
        for bad in [#"{"accept":1}"#, #"{"accept":true,"refuse":"x"}"#, "yes", #"{"refuse":7}"#, deep, #"{"refuse":"a","refuse":"b"}"#, flat] {
            let error = await #expect(throws: CustomizationError.self) { try await Self.host(ModuleFixtures.validator(answer: bad)).validate(Self.signup) }
            #expect(error?.kind == .trapped && error?.detail.contains("answer is not") == true, "\(bad.prefix(40)): \(String(describing: error))")
        }
        // A validator of signups is not called for other commands.
        try await Self.host(ModuleFixtures.validator(answer: #"{"refuse":"no"}"#))
            .validate(APIKeyIssueCommand(tenantID: UUID(), label: nil, actor: "admin:a"))
    }

    @Test("the module reads the command as JSON (command name beside the fields, keys sorted), its own settings through setting/read_result, and logs")
    func inputAndSettings() async throws {
        // Refuses with "<setting domain>|<the input>" so that the test sees what the module saw.
        let answers = [#"{"refuse":""#, "domain", #""}"#]
        let body = """
            (local.set $at (i32.const 8192))
            (memory.copy (local.get $at) (i32.const 1024) (i32.const 11))
            (local.set $at (i32.add (local.get $at) (i32.const 11)))
            (drop (call $setting (i32.const 1035) (i32.const 6)))
            (local.set $at (i32.add (local.get $at) (call $read (local.get $at) (i32.const 256))))
            (i32.store8 (local.get $at) (i32.const 124))
            (local.set $at (i32.add (local.get $at) (i32.const 1)))
            ;; the input, its quotes turned into single quotes so the answer stays JSON
            (local.set $i (i32.const 0))
            (block $done (loop $copy
              (br_if $done (i32.ge_u (local.get $i) (local.get $length)))
              (local.set $c (i32.load8_u (i32.add (local.get $input) (local.get $i))))
              (if (i32.eq (local.get $c) (i32.const 34)) (then (local.set $c (i32.const 39))))
              (i32.store8 (i32.add (local.get $at) (local.get $i)) (local.get $c))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $copy)))
            (local.set $at (i32.add (local.get $at) (local.get $length)))
            (memory.copy (local.get $at) (i32.const 1041) (i32.const 2))
            (call $log (i32.const 1) (local.get $input) (local.get $length))
            (i64.or (i64.shl (i64.const 8192) (i64.const 32)) (i64.extend_i32_u (i32.sub (i32.add (local.get $at) (i32.const 2)) (i32.const 8192))))
            """
        let imports = """
            (import "tenantry" "setting" (func $setting (param i32 i32) (result i32)))
            (import "tenantry" "read_result" (func $read (param i32 i32) (result i32)))
            (import "tenantry" "log" (func $log (param i32 i32 i32)))
            """
        let manifest = #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","settings":[{"name":"domain","kind":"domain","summary":"d"}],"hooks":{"validate":["signup","plan-change"]}}"#
        let wat = ModuleFixtures.wat(manifest: manifest, imports: imports, functions: Self.validatorBody(body, locals: "(local $at i32) (local $i i32) (local $c i32)"), answers: answers)
        let host = try Self.host(wat, settings: ["domain": "Acme.Example"])
        let error = await #expect(throws: CustomizationError.self) { try await host.validate(Self.signup) }
        #expect(error?.detail == "acme.example|{'command':'signup','email':'ann@acme.example','organization':'Acme','plan':'pro'}")
        let tenant = UUID(uuidString: "00000000-0000-0000-0000-0000000000AB")!
        let change = await #expect(throws: CustomizationError.self) {
            try await host.validate(PlanChangeCommand(tenantID: tenant, currentPlan: "free", newPlan: "pro", reason: nil, actor: "admin:a"))
        }
        #expect(change?.detail == "acme.example|{'actor':'admin:a','command':'plan-change','currentPlan':'free','newPlan':'pro','tenantID':'00000000-0000-0000-0000-0000000000AB'}")
    }

    @Test("a module that loops forever is stopped by its fuel: the command is refused as trapped, and the host goes on calling it")
    func endlessLoop() async throws {
        // A small fuel allowance, so that it runs out well within the time budget even in a
        // debug build on a loaded machine (the cap, 2M units, is about 5 ms in a release build).
        let manifest = #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","hooks":{"validate":["signup"]},"limits":{"fuel":50000}}"#
        let wat = ModuleFixtures.wat(manifest: manifest, functions: Self.validatorBody("(loop $forever (br $forever)) (i64.const 0)"))
        let host = try Self.host(wat)
        for _ in 0..<3 {
            let error = await #expect(throws: CustomizationError.self) { try await host.validate(Self.signup) }
            #expect(error?.kind == .trapped && error?.detail.contains("ran out of fuel (50000 units a call)") == true, "\(String(describing: error))")
            #expect(error?.description.contains("customization fixture's signup validator was stopped by its sandbox") == true)
        }
    }

    @Test("a module that allocates past its memory limit is refused growth and traps on the memory it does not have; the process is unharmed")
    func memoryLimit() async throws {
        // Grows a page at a time until refused, records the page count, then writes past the end.
        let body = """
            (block $full (loop $grow (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $grow)))
            (i32.store (i32.mul (memory.size) (i32.const 65536)) (i32.const 1))
            (i64.const 0)
            """
        let host = try Self.host(ModuleFixtures.wat(memory: "1 3", functions: Self.validatorBody(body)))
        let error = await #expect(throws: CustomizationError.self) { try await host.validate(Self.signup) }
        #expect(error?.kind == .trapped && error?.detail.contains("accessed memory outside its 3-page limit") == true, "\(String(describing: error))")
        // An answer the module points outside its memory is a trap too, never a read out of range.
        let outside = ModuleFixtures.wat(functions: Self.validatorBody("(i64.const \((Int64(0x7FFF_0000) << 32) | 10))"))
        let pointer = await #expect(throws: CustomizationError.self) { try await Self.host(outside).validate(Self.signup) }
        #expect(pointer?.kind == .trapped && pointer?.detail.contains("outside its") == true, "\(String(describing: pointer))")
        let huge = ModuleFixtures.wat(functions: Self.validatorBody("(i64.const \((Int64(1024) << 32) | 0xFFFF_FFFF))"))
        let length = await #expect(throws: CustomizationError.self) { try await Self.host(huge).validate(Self.signup) }
        #expect(length?.kind == .trapped && length?.detail.contains("at most 65536") == true, "\(String(describing: length))")
    }

    @Test("each call starts from the module's state right after instantiation: memory and exported globals are reset, also under concurrent calls")
    func resetBetweenCalls() async throws {
        // Accepts only if its counters (a byte of memory and a global) read 1 after counting this call.
        let body = """
            (i32.store8 (i32.const 2000) (i32.add (i32.load8_u (i32.const 2000)) (i32.const 1)))
            (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (if (result i64) (i32.and (i32.eq (i32.load8_u (i32.const 2000)) (i32.const 1)) (i32.eq (global.get $calls) (i32.const 1)))
              (then (i64.const 0))
              (else \(ModuleFixtures.packed([#"{"refuse":"state leaked from an earlier call"}"#], 0))))
            """
        let wat = ModuleFixtures.wat(
            functions: Self.validatorBody(body), answers: [#"{"refuse":"state leaked from an earlier call"}"#],
            extra: #"(global $calls (export "calls") (mut i32) (i32.const 0))"#)
        let host = try Self.host(wat)
        for _ in 0..<5 { try await host.validate(Self.signup) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<40 { try await host.validate(Self.signup) } }
            }
            try await group.waitForAll()
        }
    }

    /// A validator that POSTs `{}` to `url` and refuses with "sent" when it got an answer, or
    /// "failed" when the host reports none.
    static func httpValidator(url: String) -> String {
        let request = #"{"method":"POST","url":"\#(url)","headers":{"content-type":"application/json"},"body":"{}"}"#
        let answers = [request, #"{"refuse":"sent"}"#, #"{"refuse":"failed"}"#]
        let body = """
            (if (result i64) (i32.ge_s (call $http (i32.const 1024) (i32.const \(request.utf8.count))) (i32.const 0))
              (then \(ModuleFixtures.packed(answers, 1)))
              (else \(ModuleFixtures.packed(answers, 2))))
            """
        let manifest = #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"s","settings":[{"name":"allowed-domains","kind":"string","summary":"where it may post"}],"hooks":{"validate":["signup"]}}"#
        return ModuleFixtures.wat(
            manifest: manifest, imports: #"(import "tenantry" "http" (func $http (param i32 i32) (result i32)))"#,
            functions: validatorBody(body), answers: answers)
    }

    @Test("tenantry.http reaches an allow-listed host; one not on the allow-list traps the call and nothing is sent")
    func outboundAllowList() async throws {
        try await WebhookReceiver.with(failures: 0) { receiver, url in
            let wat = Self.httpValidator(url: url.absoluteString)
            let loopback = WasmCustomization.Options(allowsPlainLoopbackHTTP: true)
            let allowed = try Self.host(wat, settings: ["allowed-domains": "hooks.acme.example, 127.0.0.1"], options: loopback)
            let sent = await #expect(throws: CustomizationError.self) { try await allowed.validate(Self.signup) }
            #expect(sent?.detail == "sent", "\(String(describing: sent))")
            #expect(receiver.deliveries.count == 1 && receiver.deliveries.first?.body == Array("{}".utf8))

            let elsewhere = try Self.host(wat, settings: ["allowed-domains": "hooks.acme.example,*.127.0.0.1"], options: loopback)
            let trapped = await #expect(throws: CustomizationError.self) { try await elsewhere.validate(Self.signup) }
            #expect(trapped?.kind == .trapped && trapped?.detail.contains("asked to reach 127.0.0.1, which is not in its allowed-domains") == true, "\(String(describing: trapped))")
            // Plain http is only for a host that allows it (tests'); a real deployment sends https only.
            let plain = try Self.host(wat, settings: ["allowed-domains": "127.0.0.1"])
            let refusedScheme = await #expect(throws: CustomizationError.self) { try await plain.validate(Self.signup) }
            #expect(refusedScheme?.kind == .trapped && refusedScheme?.detail.contains("only https is allowed") == true, "\(String(describing: refusedScheme))")
            #expect(receiver.requests == 1)
        }
    }

    @Test("a module waiting on a receiver that never answers is stopped at its time budget: the caller gets its answer in time")
    func wallClockBudget() async throws {
        let router = Router()
        router.post("/ingest") { _, _ -> Response in
            try await Task.sleep(for: .seconds(30))
            return Response(status: .noContent)
        }
        try await LocalHTTPServer.serve(router) { port in
            let wat = Self.httpValidator(url: "http://127.0.0.1:\(port)/ingest")
            let host = try Self.host(wat, settings: ["allowed-domains": "127.0.0.1"], options: .init(allowsPlainLoopbackHTTP: true))
            let started = ContinuousClock.now
            let error = await #expect(throws: CustomizationError.self) { try await host.validate(Self.signup) }
            let took = started.duration(to: .now)
            // The validator's budget is 2 s; the module's own wait ends with it too (its http
            // call times out), so nothing is left blocked. Which comes first, the caller's
            // budget or the module's deadline, the timing decides: both say the budget ran out.
            let stoppedAtBudget = error?.kind == .timedOut || (error?.kind == .trapped && error?.detail == "it ran past its time budget")
            #expect(stoppedAtBudget || error?.detail == "failed", "\(String(describing: error))")
            #expect(took < .seconds(10), "\(took)")
        }
    }
}
