/// A cell's name: 1 to 31 characters of lower-case letters, digits and `-`, starting with a
/// letter (the database checks the same). `main` is the control plane's own database.
public struct CellName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// The cell every deployment has: the control plane's own database.
    public static let main = CellName(unchecked: "main")

    /// Validates `rawValue`; throws `CellError.invalidInput` naming what is wrong.
    public init(_ rawValue: String) throws(CellError) {
        guard let problem = Self.problem(with: rawValue) else {
            self.rawValue = rawValue
            return
        }
        throw .invalidInput(problem)
    }

    private init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// Why `name` cannot name a cell, or nil when it can.
    public static func problem(with name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        let valid = (1...31).contains(scalars.count)
            && ("a"..."z").contains(scalars[0])
            && scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return valid ? nil : "invalid cell name \"\(name.prefix(40))\": use 1-31 lower-case letters, digits or '-', starting with a letter"
    }

    public var description: String { rawValue }

    public static func < (lhs: CellName, rhs: CellName) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard Self.problem(with: raw) == nil else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid cell name \(raw)"))
        }
        self.rawValue = raw
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
