/// Why a flag command was refused. Nothing is written when one is thrown.
public enum FlagError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The definition or change is not valid (unknown variant, wrong value type, a rule that
    /// cannot match, a prerequisite cycle, …).
    case invalidDefinition(String)
    /// No flag has this key.
    case notFound(String)
    /// A flag with this key exists already.
    case alreadyExists(String)
    /// The flag is archived; it takes no more changes.
    case archived(String)
    /// Another change landed between our read and our write, again and again.
    case conflict(String)

    public var description: String {
        switch self {
        case .invalidDefinition(let message): message
        case .notFound(let key): "no flag \"\(key)\""
        case .alreadyExists(let key): "flag \"\(key)\" exists already"
        case .archived(let key): "flag \"\(key)\" is archived"
        case .conflict(let message): message
        }
    }
}
