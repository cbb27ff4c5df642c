import Extensions
import Foundation
import Testing
import WasmCustomizations

/// The example WebAssembly customizations, as `make wasm-examples` builds them from
/// `Sources/CustomizationModules` into `.build/wasm` (`make test` builds them first).
enum ExampleModules {
    static func module(_ name: String) throws -> CompiledModule {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent(".build/wasm/\(name).wasm")
        guard let bytes = FileManager.default.contents(atPath: file.path) else {
            Issue.record("no \(file.path): run make wasm-examples")
            throw CocoaError(.fileNoSuchFile)
        }
        return try CompiledModule(bytes: Array(bytes))
    }

    static func definition(_ name: String) throws -> CustomizationDefinition {
        WasmCustomization.definition(try module(name))
    }
}
