public import Foundation

/// `CustomizationModuleInstalled`, on the control plane's `customization-<id>` stream: a
/// WebAssembly module's bytes (base64) with what its manifest says, content-addressed by the
/// sha256 of the bytes. One event per version; the bytes are its only copy.
public struct CustomizationModuleInstalled: Codable, Sendable, Hashable {
    public static let type = "CustomizationModuleInstalled"
    public static let category = "customization"

    public let id: String
    public let version: String
    public let sha256: String
    public let size: Int
    public let abi: Int
    public let summary: String
    /// The module, base64.
    public let module: String
}
