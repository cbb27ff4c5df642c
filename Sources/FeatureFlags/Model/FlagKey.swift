/// A flag's key: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, at
/// most 100 characters. Keys appear in URLs (`/ofrep/v1/evaluate/flags/{key}`) and stream
/// names (`flag-<key>`), so anything else is refused when a flag is defined. Keys are
/// case-sensitive, as in flagd (`myBoolFlag`); two keys differing only in case are refused
/// (`FlagCatalog.keyDiffering(onlyInCaseFrom:)`), since a reader cannot tell them apart.
public struct FlagKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    public static let maximumLength = 100

    public init(_ rawValue: String) throws(FlagError) {
        guard Self.isValid(rawValue) else {
            throw .invalidDefinition(
                "invalid flag key \"\(rawValue)\": use 1-\(Self.maximumLength) letters, digits, '-', '_' or '.', starting with a letter or digit"
            )
        }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: FlagKey, rhs: FlagKey) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(raw)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    static func isValid(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= maximumLength, let first = key.unicodeScalars.first else { return false }
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return allowed(first) && key.unicodeScalars.allSatisfy { allowed($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }
}
