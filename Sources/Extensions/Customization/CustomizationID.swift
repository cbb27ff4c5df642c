/// A customization's stable id: 2–40 lowercase letters, digits and inner hyphens, so it fits a
/// URL path segment, a checkpoint name and a Kubernetes label unchanged.
public struct CustomizationID: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral, Codable {
    public let rawValue: String

    /// nil when `rawValue` is not a valid id.
    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// For literals in code, which a test of the catalog checks.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard Self.isValid(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a customization id: \(text)"))
        }
        rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public static func isValid(_ text: String) -> Bool {
        let allowed = text.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
        return (2...40).contains(text.utf8.count) && allowed && text.first != "-" && text.last != "-"
    }
}
