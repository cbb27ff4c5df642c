import Foundation

/// An admin token given to the server from outside (`TENANTRY_ADMIN_TOKEN`, e.g. injected from a
/// secret store), accepted beside the tokens recorded as events. Only its SHA-256 is kept in
/// memory, and a presented token is compared by digest, in constant time.
public struct ConfiguredAdminToken: Sendable {
    /// Shorter tokens are refused: 32 characters of a password generator or `openssl rand
    /// -base64 32` carry enough entropy that guessing is hopeless.
    public static let minimumLength = 32

    /// The environment variable `tenantry serve` reads it from.
    public static let environmentVariable = "TENANTRY_ADMIN_TOKEN"

    /// How changes made with it are signed in event metadata.
    public static let actor = "admin:\(environmentVariable)"

    private let sha256: String

    /// Refuses a token shorter than `minimumLength` characters (surrounding whitespace, as a
    /// file or a shell may add, is trimmed first).
    public init(_ secret: String) throws(AdminTokenError) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= Self.minimumLength else {
            throw .invalidInput(
                "\(Self.environmentVariable) is \(trimmed.count) characters long; an admin token needs at least \(Self.minimumLength) "
                    + "(make one with `tenantry admin token create`, or `openssl rand -base64 32`)"
            )
        }
        sha256 = AdminToken.hash(trimmed)
    }

    /// Whether `presented` is this token.
    public func matches(_ presented: String) -> Bool {
        ConstantTime.equals(AdminToken.hash(presented), sha256)
    }
}
