import WAT

/// WebAssembly customization modules for the admin API's tests, assembled from WAT by WasmKit's
/// `wat2wasm`: a manifest section, a memory with a maximum, the allocator the ABI asks for,
/// and a signup validator that accepts everything.
enum WasmModules {
    /// A module `id`@`version`; `imports` (WAT) go in as they are; `padding` bytes of data
    /// make two modules of one version differ, or one module large.
    static func validator(id: String = "corporate-email-wasm", version: String = "1.0.0", imports: String = "", padding: Int = 0) throws -> [UInt8] {
        let manifest = #"{"abi":1,"id":"\#(id)","version":"\#(version)","summary":"Signups from the client's domain only","settings":[{"name":"domain","kind":"domain","summary":"The client's email domain"}],"hooks":{"validate":["signup"]}}"#
        let data = padding > 0 ? "(data (i32.const 8192) \"\(String(repeating: "x", count: padding))\")" : ""
        return try wat2wasm("""
            (module
              (@custom "tenantry.customization" "\(escaped(manifest))")
              \(imports)
              (memory (export "memory") 1 2)
              (global $next (export "next") (mut i32) (i32.const 4096))
              (func (export "tenantry_alloc") (param $size i32) (result i32)
                (local $at i32)
                (local.set $at (global.get $next))
                (global.set $next (i32.add (global.get $next) (local.get $size)))
                (local.get $at))
              (func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))
              \(data)
            )
            """)
    }

    /// `text` as a WAT string literal's contents.
    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
