public import ArgumentParser
public import Provisioning

/// `--since`: a `ReportSince` (an ISO 8601 date or timestamp, or an age such as `7d`).
extension ReportSince: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}
