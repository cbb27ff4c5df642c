/// The value of a tenant's custom attribute (region, industry, seats, …), which flag rules
/// can target as `tenant.<name>`.
public enum TenantAttributeValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)

    /// `true`/`false` and numbers as themselves, anything else as text (`region=eu`).
    public init(parsing text: String) {
        if text == "true" || text == "false" {
            self = .bool(text == "true")
        } else if let number = Double(text), number.isFinite, text.first.map({ $0.isNumber || $0 == "-" }) == true {
            self = .number(number)
        } else {
            self = .string(text)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .string(let value): value
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): String(value)
        }
    }

    /// Names a custom attribute may have: 1–64 letters, digits, `-`, `_`; not one of the
    /// built-in attributes flag rules already see.
    public static func problem(withName name: String) -> String? {
        if reservedNames.contains(name) { return "\"\(name)\" is a built-in tenant attribute" }
        let valid = !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        return valid ? nil : "invalid attribute name \"\(name)\": use 1-64 letters, digits, '-' or '_'"
    }

    static let reservedNames: Set<String> = ["id", "slug", "plan", "state", "isolation", "createdAt"]
}
