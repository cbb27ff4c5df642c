import Foundation
import WAT

/// A WebAssembly customization module written to a temporary file for `tenantry customization
/// install`, assembled from WAT by WasmKit's `wat2wasm`: a manifest section naming `id` and
/// `version`, a memory with a maximum, the ABI's allocator and a signup validator that accepts.
struct WasmModuleFile {
    let url: URL
    let bytes: [UInt8]

    var path: String { url.path }

    /// Writes the module; `imports` (WAT) go in as they are, `padding` bytes of data make two
    /// modules of one version differ.
    init(id: String = "corporate-email-wasm", version: String = "1.0.0", imports: String = "", padding: Int = 0) throws {
        let manifest = #"{"abi":1,"id":"\#(id)","version":"\#(version)","summary":"Signups from the client's domain only","hooks":{"validate":["signup"]}}"#
        let data = padding > 0 ? "(data (i32.const 8192) \"\(String(repeating: "x", count: padding))\")" : ""
        bytes = try wat2wasm("""
            (module
              (@custom "tenantry.customization" "\(manifest.replacingOccurrences(of: "\"", with: "\\\""))")
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
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-module-\(UUID().uuidString).wasm")
        try Data(bytes).write(to: url)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
