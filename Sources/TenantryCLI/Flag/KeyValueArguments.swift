import ArgumentParser
import FeatureFlags

/// `k=v` options (`--context`, `--metadata`), the value parsed as JSON when it is JSON and
/// taken as text otherwise.
enum KeyValueArguments {
    static func parse(_ arguments: [String], option: String) throws -> [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        for argument in arguments {
            let (key, text) = FlagVariants.split(argument)
            guard !key.isEmpty, let text else {
                throw ValidationError("\(option) \"\(argument)\" is not KEY=VALUE")
            }
            guard values[key] == nil else { throw ValidationError("\(option) gives \"\(key)\" twice") }
            values[key] = JSONValue(commandLine: text)
        }
        return values
    }
}
