public import FeatureFlags
public import Foundation

/// A new flag as an operator describes it (`flag define`, `POST /v1/admin/flags`), before the
/// defaults are filled in and it is validated: the one place that decides what a definition
/// means, whichever face it came through.
public struct FlagDefinition: Sendable, Hashable {
    /// One named value; the order variants are given in matters (the first is the default
    /// unless one is named).
    public struct Variant: Sendable, Hashable {
        public var name: String
        public var value: JSONValue

        public init(_ name: String, _ value: JSONValue) {
            self.name = name
            self.value = value
        }
    }

    public var key: String
    public var type: FlagType
    /// In the order given; empty for a boolean flag means `off` = false and `on` = true.
    public var variants: [Variant]
    /// Nil: the first variant given (`off` for a boolean flag given none).
    public var defaultVariant: String?
    public var description: String
    public var isEnabled: Bool
    /// Strings, numbers and booleans only.
    public var metadata: [String: JSONValue]

    public init(
        key: String,
        type: FlagType = .boolean,
        variants: [Variant] = [],
        defaultVariant: String? = nil,
        description: String = "",
        isEnabled: Bool = true,
        metadata: [String: JSONValue] = [:]
    ) {
        self.key = key
        self.type = type
        self.variants = variants
        self.defaultVariant = defaultVariant
        self.description = description
        self.isEnabled = isEnabled
        self.metadata = metadata
    }

    /// A boolean flag's variants when none are given: `off` (the default) and `on`.
    public static let booleanVariants = [Variant("off", false), Variant("on", true)]

    /// The longest description: a sentence or two, not a document.
    public static let maximumDescriptionLength = 1000

    /// The flag this definition describes, validated as a whole; throws `invalidDefinition`
    /// naming the first problem. Values are taken as the flag's type (an integer variant of a
    /// double flag is widened).
    public func flag(at time: Date = Date()) throws(FlagError) -> Flag {
        let key = try FlagKey(key)
        guard description.count <= Self.maximumDescriptionLength else {
            throw .invalidDefinition("flag \(key): the description is longer than \(Self.maximumDescriptionLength) characters")
        }
        let given = variants.isEmpty && type == .boolean ? Self.booleanVariants : variants
        guard let first = given.first else {
            throw .invalidDefinition("flag \(key): a \(type.rawValue) flag needs at least one variant")
        }
        var values: [String: JSONValue] = [:]
        for variant in given {
            guard values[variant.name] == nil else { throw .invalidDefinition("flag \(key): variant \"\(variant.name)\" is given twice") }
            guard let typed = type.coerce(variant.value) else {
                throw .invalidDefinition(
                    "flag \(key): variant \"\(variant.name)\" is \(variant.value.typeName) \(variant.value.compactJSON), not \(type.rawValue)"
                )
            }
            values[variant.name] = typed
        }
        let flag = Flag(
            key: key, description: description, type: type, variants: values,
            defaultVariant: defaultVariant ?? first.name, isEnabled: isEnabled, metadata: metadata, createdAt: time
        )
        try flag.validate()
        return flag
    }
}
