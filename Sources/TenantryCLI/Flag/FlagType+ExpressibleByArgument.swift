public import ArgumentParser
public import FeatureFlags

/// `--type boolean|string|integer|double|object` parses straight into `FlagType`.
extension FlagType: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
