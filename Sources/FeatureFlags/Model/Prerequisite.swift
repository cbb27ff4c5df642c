/// "Serve this flag's targeting only when flag `flag` evaluates to `variant` for the same
/// context." Otherwise the flag serves its default variant.
public struct Prerequisite: Sendable, Hashable, Codable {
    public var flag: FlagKey
    public var variant: String

    public init(flag: FlagKey, variant: String) {
        self.flag = flag
        self.variant = variant
    }
}
