import Foundation
import WasmTestSupport

/// WebAssembly customizations for the admin API tests (`ModuleFixtures`' shape): a signup
/// validator that accepts, with one required `domain` setting.
enum WasmModules {
    /// A module `id`@`version`; `imports` (WAT) go in as they are; `padding` bytes of data
    /// make two modules of one version differ, or one module large.
    static func validator(id: String = "corporate-email-wasm", version: String = "1.0.0", imports: String = "", padding: Int = 0) throws -> [UInt8] {
        let manifest = #"{"abi":1,"id":"\#(id)","version":"\#(version)","summary":"Signups from the client's domain only","settings":[{"name":"domain","kind":"domain","summary":"The client's email domain"}],"hooks":{"validate":["signup"]}}"#
        return try ModuleFixtures.bytes(ModuleFixtures.wat(
            manifest: manifest, imports: imports, functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#,
            extra: padding > 0 ? "(data (i32.const 8192) \"\(String(repeating: "x", count: padding))\")" : ""))
    }
}
