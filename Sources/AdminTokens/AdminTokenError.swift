/// Why an admin token command was refused; nothing was written.
public enum AdminTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No token has this id or prefix.
    case notFound(String)
    /// Several tokens share this prefix: name one by its id.
    case ambiguous(prefix: String, ids: [String])
    /// The token was revoked already.
    case alreadyRevoked(String)
    /// A label, reason or token that cannot be used, with why.
    case invalidInput(String)

    /// The reason, in one line.
    public var description: String {
        switch self {
        case .notFound(let what): "no admin token \(what)"
        case let .ambiguous(prefix, ids): "several admin tokens start with \(prefix) (\(ids.joined(separator: ", "))); name one by its id"
        case .alreadyRevoked(let prefix): "admin token \(prefix)… is revoked already"
        case .invalidInput(let message): message
        }
    }
}
