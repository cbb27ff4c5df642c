/// The type of every variant of a flag, as OpenFeature's typed evaluation calls name them.
public enum FlagType: String, Sendable, Hashable, Codable, CaseIterable {
    case boolean
    case string
    case integer
    case double
    case object

    /// `value` as a value of this type: an integer is a valid double (widened); anything else
    /// must match exactly. Nil when it does not fit.
    public func coerce(_ value: JSONValue) -> JSONValue? {
        switch (self, value) {
        case (.boolean, .bool), (.string, .string), (.integer, .integer), (.double, .double), (.object, .object):
            value
        case (.double, .integer(let integer)):
            .double(Double(integer))
        case (.integer, .double(let double)) where double.rounded() == double && abs(double) < 9.0e15:
            .integer(Int64(double))
        default:
            nil
        }
    }
}
