import Foundation
import WAT

/// WebAssembly customizations for the instance tests, assembled from WAT with WasmKit's
/// `wat2wasm`: a manifest section, a two-page memory, the bump allocator the ABI asks for, a
/// validator that accepts every signup, and (when asked) flag defaults.
enum InstanceModules {
    /// Module `id` at `version` declaring `settings` (the manifest's JSON array); with
    /// `flagDefaults` (flag → variant) it also asks for those overrides.
    static func validator(id: String, version: String, settings: String = "[]", flagDefaults: [(flag: String, variant: String)] = []) throws -> [UInt8] {
        let hooks = flagDefaults.isEmpty ? #"{"validate":["signup"]}"# : #"{"validate":["signup"],"flagDefaults":true}"#
        let manifest = #"{"abi":1,"id":"\#(id)","version":"\#(version)","summary":"rules of \#(id) \#(version)","settings":\#(settings),"hooks":\#(hooks)}"#
        var functions = #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#
        var data = ""
        if !flagDefaults.isEmpty {
            let answer = #"{"defaults":["# + flagDefaults.map { #"{"flag":"\#($0.flag)","variant":"\#($0.variant)"}"# }.joined(separator: ",") + "]}"
            data = "(data (i32.const 1024) \"\(escaped(answer))\")"
            functions += #" (func (export "tenantry_flag_defaults") (result i64) (i64.const \#((Int64(1024) << 32) | Int64(answer.utf8.count))))"#
        }
        return try wat2wasm("""
            (module
              (@custom "tenantry.customization" "\(escaped(manifest))")
              (memory (export "memory") 1 2)
              (global $next (export "next") (mut i32) (i32.const 4096))
              (func (export "tenantry_alloc") (param $size i32) (result i32)
                (local $at i32)
                (local.set $at (global.get $next))
                (global.set $next (i32.add (global.get $next) (local.get $size)))
                (local.get $at))
              \(data)
              \(functions)
            )
            """)
    }

    /// A required string setting's declaration.
    static func required(_ name: String) -> String {
        #"{"name":"\#(name)","kind":"string","summary":"the \#(name)"}"#
    }

    /// Escapes `text` for a WAT string literal.
    private static func escaped(_ text: String) -> String {
        text.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "\""): "\\\""
            case UInt8(ascii: "\\"): "\\\\"
            case 0x20...0x7e: String(UnicodeScalar(byte))
            default: String(format: "\\%02x", byte)
            }
        }.joined()
    }
}
