public import EventStore
public import Foundation

/// What happens to an admin token, on its stream `admintoken-<id>` under the control-plane
/// tenant; who did it and why travel in each event's metadata.
public enum AdminTokenEvent: Sendable, Hashable {
    /// `AdminTokenIssued`: a token exists; only its SHA-256 is recorded.
    case issued(Issued)
    /// `AdminTokenRevoked`: the token no longer authenticates.
    case revoked(Revoked)

    /// `AdminTokenIssued`: a token was created (its secret is never recorded, only its hash).
    public struct Issued: Codable, Sendable, Hashable {
        /// The token's id.
        public let tokenId: UUID
        /// The operator's label for it, if any.
        public let label: String?
        /// The token's first 12 characters, to recognise it in listings.
        public let prefix: String
        /// SHA-256 of the token, lower-case hex.
        public let sha256: String
    }

    /// `AdminTokenRevoked`: the token is refused from now on.
    public struct Revoked: Codable, Sendable, Hashable {
        /// The token revoked.
        public let tokenId: UUID
    }

    /// The event's type name in the store.
    public var type: String {
        switch self {
        case .issued: "AdminTokenIssued"
        case .revoked: "AdminTokenRevoked"
        }
    }

    /// The event ready to append, with who did it and why in its metadata.
    func newEvent(metadata: EventMetadata) throws -> NewEvent {
        switch self {
        case .issued(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .revoked(let data): try NewEvent(type: type, data: data, metadata: metadata)
        }
    }

    /// The admin token event a recorded event holds; nil for types this version does not know.
    public init?(_ recorded: RecordedEvent) throws {
        switch recorded.type {
        case "AdminTokenIssued": self = .issued(try recorded.decodeData(as: Issued.self))
        case "AdminTokenRevoked": self = .revoked(try recorded.decodeData(as: Revoked.self))
        default: return nil
        }
    }
}
