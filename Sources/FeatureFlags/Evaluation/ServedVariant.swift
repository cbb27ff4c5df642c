/// A variant a compiled flag may serve, with its value in the flag's type: looked up when the
/// flag is compiled, so serving it reads no dictionary.
struct ServedVariant: Sendable {
    let name: String
    let value: JSONValue

    /// `name` of `variants`; nil for no variant (a split that serves nothing, no default).
    init?(_ name: String?, of variants: [String: JSONValue]) {
        guard let name else { return nil }
        self.name = name
        // Definitions are validated, so the variant exists.
        value = variants[name] ?? .null
    }
}
