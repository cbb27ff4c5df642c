/// "When the context matches this condition, serve this variant." Rules are tried in order;
/// the first match wins.
public struct TargetingRule: Sendable, Hashable, Codable {
    /// A name unique within the flag, to remove or show the rule by (`r1`, `beta-testers`).
    public var name: String
    public var condition: Condition
    public var variant: String

    public init(name: String, condition: Condition, variant: String) {
        self.name = name
        self.condition = condition
        self.variant = variant
    }
}
