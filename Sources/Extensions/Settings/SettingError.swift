/// Settings a deployment cannot use, each problem naming its setting; one line in all.
public struct SettingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let customization: CustomizationID
    /// One entry per problem, e.g. "setting 'domain' is missing".
    public let problems: [String]

    public init(customization: CustomizationID, problems: [String]) {
        self.customization = customization
        self.problems = problems
    }

    public var description: String {
        "customization \(customization): " + problems.joined(separator: "; ")
    }
}
