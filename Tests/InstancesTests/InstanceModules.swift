import Foundation
import WasmTestSupport

/// WebAssembly customizations for the instance tests (`ModuleFixtures`' shape): a validator
/// that accepts every signup and, when asked, flag defaults.
enum InstanceModules {
    /// Module `id` at `version` declaring `settings` (the manifest's JSON array); with
    /// `flagDefaults` (flag → variant) it also asks for those overrides.
    static func validator(id: String, version: String, settings: String = "[]", flagDefaults: [(flag: String, variant: String)] = []) throws -> [UInt8] {
        let hooks = flagDefaults.isEmpty ? #"{"validate":["signup"]}"# : #"{"validate":["signup"],"flagDefaults":true}"#
        let manifest = #"{"abi":1,"id":"\#(id)","version":"\#(version)","summary":"rules of \#(id) \#(version)","settings":\#(settings),"hooks":\#(hooks)}"#
        var functions = #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#
        var answers: [String] = []
        if !flagDefaults.isEmpty {
            answers = [#"{"defaults":["# + flagDefaults.map { #"{"flag":"\#($0.flag)","variant":"\#($0.variant)"}"# }.joined(separator: ",") + "]}"]
            functions += #" (func (export "tenantry_flag_defaults") (result i64) \#(ModuleFixtures.packed(answers, 0)))"#
        }
        return try ModuleFixtures.bytes(ModuleFixtures.wat(manifest: manifest, functions: functions, answers: answers))
    }

    /// A required string setting's declaration.
    static func required(_ name: String) -> String {
        #"{"name":"\#(name)","kind":"string","summary":"the \#(name)"}"#
    }
}
