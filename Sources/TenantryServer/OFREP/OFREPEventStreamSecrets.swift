import Crypto
import Foundation

/// The server secrets event-stream tokens are signed with (`OFREPEventStreamToken`): the
/// current one signs, it and the previous one verify, so a rotation (new secret current, old
/// one previous, then the old one removed once every token it signed has expired) breaks no
/// open provider. Every server behind one address must be given the same secrets; a server
/// given none makes its own at start, and then accepts only the tokens it made.
public struct OFREPEventStreamSecrets: Sendable {
    /// The variable `tenantry serve` reads the current secret from.
    public static let currentVariable = "TENANTRY_STREAM_TOKEN_SECRET"
    /// The variable `tenantry serve` reads the previous secret from (optional).
    public static let previousVariable = "TENANTRY_STREAM_TOKEN_PREVIOUS_SECRET"
    /// The fewest characters a configured secret may have: 256 bits of base64 or hex.
    public static let minimumLength = 32

    // Bytes, not `SymmetricKey`s (which are not `Sendable`): keys are made on use.
    private let current: Data
    private let previous: Data?
    /// How long a token is valid from when it is made (at least; see `OFREPEventStreamToken`).
    public let tokenLifetime: Duration

    /// A day: a provider re-fetches its flags (and with them a new token) far more often, and a
    /// token copied out of a log is useless by the next day.
    public static let defaultTokenLifetime: Duration = .seconds(86_400)

    /// Secrets from configuration; refused when either is shorter than `minimumLength` or the
    /// lifetime is not between a minute and 30 days.
    public init(current: String, previous: String? = nil, tokenLifetime: Duration = Self.defaultTokenLifetime) throws(SecretError) {
        guard current.utf8.count >= Self.minimumLength else { throw SecretError(variable: Self.currentVariable) }
        if let previous, previous.utf8.count < Self.minimumLength { throw SecretError(variable: Self.previousVariable) }
        guard tokenLifetime >= .seconds(60), tokenLifetime <= .seconds(30 * 86_400) else {
            throw SecretError(description: "the event-stream token lifetime must be between 60 seconds and 30 days")
        }
        self.current = Data(current.utf8)
        self.previous = previous.map { Data($0.utf8) }
        self.tokenLifetime = tokenLifetime
    }

    /// A random secret for this process only: tokens it signs are refused by every other server.
    public static func generated(tokenLifetime: Duration = Self.defaultTokenLifetime) -> OFREPEventStreamSecrets {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return OFREPEventStreamSecrets(current: bytes, previous: nil, tokenLifetime: tokenLifetime)
    }

    private init(current: Data, previous: Data?, tokenLifetime: Duration) {
        self.current = current
        self.previous = previous
        self.tokenLifetime = tokenLifetime
    }

    /// The key new tokens are signed with.
    var signing: SymmetricKey { SymmetricKey(data: current) }

    /// The keys a token is checked against, current first.
    var verifying: [SymmetricKey] { ([current] + (previous.map { [$0] } ?? [])).map { SymmetricKey(data: $0) } }

    /// A secret that cannot be used, naming the variable or setting that holds it.
    public struct SecretError: Error, Sendable, CustomStringConvertible {
        public let description: String

        init(description: String) {
            self.description = description
        }

        init(variable: String) {
            description = "\(variable) must have at least \(OFREPEventStreamSecrets.minimumLength) characters (e.g. openssl rand -base64 32)"
        }
    }
}
