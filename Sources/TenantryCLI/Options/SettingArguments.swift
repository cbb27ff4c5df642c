import ArgumentParser

/// The `--setting name=value` arguments of `instance deploy`, `instance upgrade` and `tenant customize`.
enum SettingArguments {
    /// The settings by name; a malformed or repeated one is a `ValidationError` naming it.
    static func parse(_ arguments: [String]) throws -> [String: String] {
        var parsed: [String: String] = [:]
        for setting in arguments {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw ValidationError("--setting \(setting): give name=value")
            }
            let name = String(setting[..<equals])
            guard parsed[name] == nil else { throw ValidationError("--setting \(name) is given twice") }
            parsed[name] = String(setting[setting.index(after: equals)...])
        }
        return parsed
    }
}
