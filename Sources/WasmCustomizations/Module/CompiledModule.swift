import Crypto
public import Extensions
import Foundation
import Logging
import WasmKit

/// A WebAssembly customization this host will run: its bytes inspected (`ModuleInspection`),
/// parsed, and instantiated once with every function translated, so that an invalid body, an
/// import of the wrong signature or a start function that traps is refused here, at install or
/// startup, rather than at a caller's first request.
public struct CompiledModule: Sendable {
    /// sha256 of the bytes, lowercase hex: the module's content address.
    public let sha256: String
    public let byteCount: Int
    public let manifest: ModuleManifest
    public let limits: SandboxLimits
    let module: Module
    let mutableGlobals: [String]
    let importsHTTP: Bool
    /// Whether the module imports `tenantry.http` (and so may reach the network).
    public var importsNetwork: Bool { importsHTTP }
    /// The memory's declared maximum, in 64 KiB pages.
    let memoryPages: Int

    /// Inspects, parses and trial-instantiates `bytes`; the refusal names what is wrong.
    public init(bytes: [UInt8]) throws(ModuleRefusal) {
        let inspection = try ModuleInspection(bytes: bytes)
        do {
            module = try parseWasm(bytes: bytes)
        } catch {
            throw ModuleRefusal("not a WebAssembly module this host reads: \(error)")
        }
        sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        byteCount = bytes.count
        manifest = inspection.manifest
        limits = SandboxLimits(inspection.manifest.limits)
        mutableGlobals = inspection.mutableGlobals
        importsHTTP = inspection.importsHTTP
        memoryPages = inspection.memoryPages

        let defaults = Dictionary(manifest.settings.compactMap { setting in setting.defaultValue.map { (setting.name, $0) } }) { first, _ in first }
        let context = CallContext(customization: manifest.id, settings: defaults, logger: Logger(label: "tenantry.customization.install"), outbound: nil)
        let trial: SandboxInstance
        do {
            trial = try SandboxInstance(self, context: context, engine: WasmEngines.validation)
        } catch {
            throw ModuleRefusal("the module cannot be instantiated: \(error.detail)")
        }
        if let problem = trial.signatureProblem() {
            throw ModuleRefusal("the module's exports do not match ABI v1: \(problem)")
        }
    }

    /// `sha256:<hex>`, as deployments and events name a module.
    public var contentAddress: String { "sha256:\(sha256)" }
}
