import Foundation
import WAT
import WasmCustomizations

/// Modules written in WAT for the tests, assembled by WasmKit's `wat2wasm`: a manifest section,
/// a two-page memory, a bump allocator whose pointer is an exported mutable global (so the
/// host resets it), and whatever functions a test gives.
public enum ModuleFixtures {
    public static let defaultManifest = #"{"abi":1,"id":"fixture","version":"1.0.0","summary":"a test module","hooks":{"validate":["signup"]}}"#

    /// WAT for a module with `manifest` (JSON), the given imports and functions, and
    /// `answers` placed as data at 1024 (each answer's offset is `answerOffset(i)`).
    public static func wat(
        manifest: String = defaultManifest, imports: String = "", memory: String = "1 2", functions: String, answers: [String] = [],
        extra: String = ""
    ) -> String {
        var data = ""
        var offset = 1024
        for answer in answers {
            data += "(data (i32.const \(offset)) \"\(escaped(answer))\")\n"
            offset += answer.utf8.count
        }
        return """
            (module
              (@custom "tenantry.customization" "\(escaped(manifest))")
              \(imports)
              (memory (export "memory") \(memory))
              (global $next (export "next") (mut i32) (i32.const 4096))
              (func (export "tenantry_alloc") (param $size i32) (result i32)
                (local $at i32)
                (local.set $at (global.get $next))
                (global.set $next (i32.add (global.get $next) (local.get $size)))
                (local.get $at))
              \(data)
              \(functions)
              \(extra)
            )
            """
    }

    /// An i64 `(ptr << 32) | len` for the `index`th of `answers`.
    public static func packed(_ answers: [String], _ index: Int) -> String {
        let offset = 1024 + answers.prefix(index).reduce(0) { $0 + $1.utf8.count }
        return "(i64.const \((Int64(offset) << 32) | Int64(answers[index].utf8.count)))"
    }

    public static func bytes(_ wat: String) throws -> [UInt8] {
        try wat2wasm(wat)
    }

    public static func compiled(_ wat: String) throws -> CompiledModule {
        try CompiledModule(bytes: bytes(wat))
    }

    /// A validator answering the same for every command.
    public static func validator(answer: String?, manifest: String = defaultManifest) -> String {
        let answers = answer.map { [$0] } ?? []
        let result = answer == nil ? "(i64.const 0)" : packed(answers, 0)
        return wat(manifest: manifest, functions: "(func (export \"tenantry_validate\") (param i32 i32) (result i64) \(result))", answers: answers)
    }

    /// Escapes `text` for a WAT string literal.
    public static func escaped(_ text: String) -> String {
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
