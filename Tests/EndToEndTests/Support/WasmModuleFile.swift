import Foundation
import WasmTestSupport

/// A WebAssembly customization module written to a temporary file for `tenantry customization
/// install` (`ModuleFixtures`' shape): a manifest section naming `id` and `version` and a signup
/// validator that accepts.
struct WasmModuleFile {
    let url: URL
    let bytes: [UInt8]

    var path: String { url.path }

    /// Writes the module; `imports` (WAT) go in as they are, `padding` bytes of data make two
    /// modules of one version differ.
    init(id: String = "corporate-email-wasm", version: String = "1.0.0", imports: String = "", padding: Int = 0) throws {
        let manifest = #"{"abi":1,"id":"\#(id)","version":"\#(version)","summary":"Signups from the client's domain only","hooks":{"validate":["signup"]}}"#
        bytes = try ModuleFixtures.bytes(ModuleFixtures.wat(
            manifest: manifest, imports: imports, functions: #"(func (export "tenantry_validate") (param i32 i32) (result i64) (i64.const 0))"#,
            extra: padding > 0 ? "(data (i32.const 8192) \"\(String(repeating: "x", count: padding))\")" : ""))
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-module-\(UUID().uuidString).wasm")
        try Data(bytes).write(to: url)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
