import ArgumentParser

/// Repeated `--setting name=value` options, as a customization's settings.
enum SettingAssignments {
    /// The settings by name; a malformed or repeated one is a usage error naming it.
    static func parse(_ assignments: [String]) throws -> [String: String] {
        var parsed: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--setting \(assignment): give name=value")
            }
            let name = String(assignment[..<equals])
            guard parsed[name] == nil else { throw ValidationError("--setting \(name) is given twice") }
            parsed[name] = String(assignment[assignment.index(after: equals)...])
        }
        return parsed
    }
}
