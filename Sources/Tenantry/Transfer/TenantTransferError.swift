/// Why an import or a restore of a tenant was refused: one line, naming what was wrong (and,
/// for a file, where).
public struct TenantTransferError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
