public import Foundation

/// `CustomizationModuleInstalled`, on the control plane's `customization-<id>` stream: a
/// WebAssembly module's bytes (base64) with what its manifest says, content-addressed by the
/// sha256 of the bytes. One event per version; the bytes are its only copy.
public struct CustomizationModuleInstalled: Codable, Sendable, Hashable {
    public static let type = "CustomizationModuleInstalled"
    public static let category = "customization"

    /// The manifest's id and version.
    public let id: String
    public let version: String
    /// Of the bytes, lowercase hex.
    public let sha256: String
    /// The bytes' count.
    public let size: Int
    /// The host ABI it was written for.
    public let abi: Int
    /// The manifest's summary.
    public let summary: String
    /// The module, base64.
    public let module: String
}
