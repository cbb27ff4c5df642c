public import ArgumentParser
public import Provisioning

/// `--plan free|trial|pro|enterprise` parses straight into `Plan`.
extension Plan: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// `--isolation pooled|dedicated` parses straight into the isolation mode.
extension PlanTerms.Isolation: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["pooled", "dedicated"] }
}
