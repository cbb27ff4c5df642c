/// A variant a customization wants its tenant to get for a flag unless an operator set another:
/// applied on deployment as the tenant's override, never over one that exists.
public struct FlagDefault: Sendable, Hashable, Codable {
    public let flagKey: String
    public let variant: String

    public init(flagKey: String, variant: String) {
        self.flagKey = flagKey
        self.variant = variant
    }
}
