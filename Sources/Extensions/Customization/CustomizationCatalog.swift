/// The customizations compiled into this build, by id. There is no dynamic loading: a
/// customization ships in a release like any other code.
public struct CustomizationCatalog: Sendable {
    public let customizations: [any Customization.Type]

    /// Refuses (by precondition) two customizations with one id or an invalid id: a build
    /// mistake, caught by the catalog's test.
    public init(_ customizations: [any Customization.Type]) {
        let ids = customizations.map { $0.id }
        precondition(Set(ids).count == ids.count, "two customizations share an id: \(ids)")
        precondition(ids.allSatisfy { CustomizationID.isValid($0.rawValue) }, "an invalid customization id in \(ids)")
        self.customizations = customizations.sorted { $0.id < $1.id }
    }

    public func customization(_ id: CustomizationID) -> (any Customization.Type)? {
        customizations.first { $0.id == id }
    }

    /// The customization `text` names, or an error listing the ones there are.
    public func customization(named text: String) throws -> any Customization.Type {
        if let id = CustomizationID(text), let found = customization(id) { return found }
        let known = customizations.map { $0.id.rawValue }.joined(separator: ", ")
        throw UnknownCustomization(name: text, known: known.isEmpty ? "none" : known)
    }
}

/// A customization id this build does not have.
public struct UnknownCustomization: Error, Sendable, CustomStringConvertible {
    public let name: String
    public let known: String

    public init(name: String, known: String) {
        self.name = name
        self.known = known
    }

    public var description: String { "no customization '\(name)' here (there are: \(known))" }
}
