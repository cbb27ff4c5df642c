public import Foundation

/// An admin token as its events say it is: who issued it and when, whether it was revoked.
/// Never the token itself: only its prefix and its SHA-256.
public struct AdminTokenRecord: Sendable, Hashable {
    /// The token's id.
    public let id: UUID
    /// The operator's label for it, if any.
    public let label: String?
    /// The token's first 12 characters (`tadm_` and 7 more).
    public let prefix: String
    /// SHA-256 of the token, lower-case hex.
    public let sha256: String
    /// When it was issued.
    public let issuedAt: Date
    /// The actor that issued it (`operator:<user>`, …).
    public let issuedBy: String?
    /// When it was revoked; nil while it is valid.
    public internal(set) var revokedAt: Date?
    /// Who revoked it.
    public internal(set) var revokedBy: String?
    /// The stream version after the last event folded in.
    public internal(set) var version: Int64

    /// Whether it is refused.
    public var isRevoked: Bool { revokedAt != nil }

    /// How the token's changes are signed in event metadata: `admin:<label>`, or
    /// `admin:<prefix>` for a token without a label.
    public var actor: String { "admin:" + (label ?? prefix) }

    init(issued: AdminTokenEvent.Issued, at time: Date, by actor: String?, version: Int64) {
        id = issued.tokenId
        label = issued.label
        prefix = issued.prefix
        sha256 = issued.sha256
        issuedAt = time
        issuedBy = actor
        self.version = version
    }
}
