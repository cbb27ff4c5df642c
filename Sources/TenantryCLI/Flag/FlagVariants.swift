import FeatureFlags
import Tenantry

/// The variants of `--variant NAME[=VALUE]` options, typed for a flag.
///
/// A value is JSON when it parses as JSON, else text. A string flag takes the text as it is
/// (so `--variant big=42` is the string "42"), and a variant named alone is its own string; a
/// boolean variant named alone is true when it is called `on` or `true`, false when `off` or
/// `false`; integer, double and object variants need a value.
struct FlagVariants {
    var variants: [String: JSONValue]
    /// The names in the order given (the first is the default unless `--default` says otherwise).
    var names: [String]

    init(variants: [String: JSONValue], names: [String]) {
        self.variants = variants
        self.names = names
    }

    /// The variants in the order given, as a `FlagDefinition` takes them.
    var ordered: [FlagDefinition.Variant] {
        names.compactMap { name in variants[name].map { FlagDefinition.Variant(name, $0) } }
    }

    /// Parses `--variant` values for a flag of `type`; throws `invalidDefinition` naming the
    /// variant that has no usable value.
    init(parsing arguments: [String], as type: FlagType) throws(FlagError) {
        var variants: [String: JSONValue] = [:]
        var names: [String] = []
        for argument in arguments {
            let (name, text) = Self.split(argument)
            guard !name.isEmpty else { throw .invalidDefinition("--variant \"\(argument)\" names no variant: use NAME or NAME=VALUE") }
            guard variants[name] == nil else { throw .invalidDefinition("variant \"\(name)\" is given twice") }
            let value = try Self.value(of: name, text: text, as: type)
            variants[name] = value
            names.append(name)
        }
        self.init(variants: variants, names: names)
    }

    /// `NAME=VALUE` split at the first `=`; the value is nil when there is no `=`.
    static func split(_ argument: String) -> (name: String, value: String?) {
        guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    private static func value(of name: String, text: String?, as type: FlagType) throws(FlagError) -> JSONValue {
        switch (type, text) {
        case (.string, nil):
            return .string(name)
        case (.string, let text?):
            // A quoted JSON string is unquoted; anything else is the text itself.
            if case .string(let string) = JSONValue(commandLine: text) { return .string(string) }
            return .string(text)
        case (.boolean, nil):
            switch name.lowercased() {
            case "on", "true": return true
            case "off", "false": return false
            default: throw .invalidDefinition("variant \"\(name)\" needs a value: --variant \(name)=true or \(name)=false")
            }
        case (_, nil):
            throw .invalidDefinition("variant \"\(name)\" needs a value: --variant \(name)=VALUE (of type \(type.rawValue))")
        case (_, let text?):
            let value = JSONValue(commandLine: text)
            guard let typed = type.coerce(value) else {
                throw .invalidDefinition("variant \"\(name)\" is \(value.typeName) \(value.compactJSON), not \(type.rawValue)")
            }
            return typed
        }
    }
}
