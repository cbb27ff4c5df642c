/// Why a WebAssembly module cannot be installed or run here, in one line naming what is wrong
/// (the manifest member, the import, the export, the limit).
public struct ModuleRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
