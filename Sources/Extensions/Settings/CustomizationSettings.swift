public import Foundation

/// A deployment's settings, checked against the customization's specifications: every required
/// one present, none unknown, each value of its kind. Accessors are typed.
public struct CustomizationSettings: Sendable, Hashable {
    /// The values as given (defaults filled in), for recording and rendering.
    public let values: [String: String]
    private let specifications: [String: SettingSpecification]

    /// Checks `given` against `specifications`; throws one `SettingError` naming every problem.
    public static func validate(
        _ given: [String: String],
        against specifications: [SettingSpecification],
        for customization: CustomizationID
    ) throws -> CustomizationSettings {
        var problems: [String] = []
        let known = Dictionary(specifications.map { ($0.name, $0) }) { first, _ in first }
        for name in given.keys.sorted() where known[name] == nil {
            let expected = specifications.map(\.name).sorted().joined(separator: ", ")
            problems.append("unknown setting '\(name)' (it takes: \(expected.isEmpty ? "none" : expected))")
        }
        var values: [String: String] = [:]
        for specification in specifications {
            guard let raw = given[specification.name] ?? specification.defaultValue else {
                problems.append("setting '\(specification.name)' is missing (\(specification.summary))")
                continue
            }
            switch Self.normalized(raw, as: specification.kind) {
            case .success(let value): values[specification.name] = value
            case .failure(let problem): problems.append("setting '\(specification.name)' \(problem.text)")
            }
        }
        guard problems.isEmpty else { throw SettingError(customization: customization, problems: problems) }
        return CustomizationSettings(values: values, specifications: known)
    }

    /// The value of a `.string` (or any) setting.
    public func string(_ name: String) -> String {
        values[name] ?? ""
    }

    public func integer(_ name: String) -> Int {
        values[name].flatMap { Int($0) } ?? 0
    }

    public func boolean(_ name: String) -> Bool {
        values[name] == "true"
    }

    /// The value of a `.url` setting; nil only for a name that is not one.
    public func url(_ name: String) -> URL? {
        values[name].flatMap { URL(string: $0) }
    }

    /// The values with secrets masked, for listings.
    public var displayed: [String: String] {
        values.reduce(into: [:]) { shown, entry in
            shown[entry.key] = specifications[entry.key]?.isSecret == true ? "••••••" : entry.value
        }
    }

    private static func normalized(_ raw: String, as kind: SettingSpecification.Kind) -> Result<String, Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .string:
            return text.isEmpty ? .failure(Problem("is empty")) : .success(text)
        case .integer:
            return Int(text).map { .success(String($0)) } ?? .failure(Problem("must be an integer, not '\(raw)'"))
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "1", "on": return .success("true")
            case "false", "no", "0", "off": return .success("false")
            default: return .failure(Problem("must be true or false, not '\(raw)'"))
            }
        case .url:
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                url.host?.isEmpty == false
            else { return .failure(Problem("must be an absolute http(s) URL, not '\(raw)'")) }
            return .success(text)
        case .domain:
            let domain = text.lowercased()
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            let valid = labels.count >= 2 && domain.utf8.count <= 253 && labels.allSatisfy { label in
                (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
            }
            return valid ? .success(domain) : .failure(Problem("must be a domain name such as example.com, not '\(raw)'"))
        }
    }

    private struct Problem: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}
