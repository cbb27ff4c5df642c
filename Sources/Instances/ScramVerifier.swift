import Crypto
public import Foundation

/// A PostgreSQL SCRAM-SHA-256 password verifier (RFC 5802 and 7677, in the form of
/// `pg_authid.rolpassword`): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, each
/// part Base64. PostgreSQL stores a password given in this form as it is, so setting a login's
/// password with it never sends (or logs) the password itself.
public enum ScramVerifier {
    /// PostgreSQL's default iteration count (`scram_iterations`).
    public static let defaultIterations = 4096

    /// The verifier of `password` with `salt` (16 random bytes when nil). `password` is used as
    /// its UTF-8 bytes, without SASLprep: give ASCII passwords, as the generated ones are.
    public static func make(password: String, salt: Data? = nil, iterations: Int = defaultIterations) -> String {
        let salt = salt ?? SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let saltedPassword = pbkdf2(password: Data(password.utf8), salt: salt, iterations: iterations)
        let clientKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: saltedPassword))
        let serverKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: saltedPassword))
        let storedKey = Data(SHA256.hash(data: clientKey))
        return "SCRAM-SHA-256$\(iterations):\(salt.base64EncodedString())$\(storedKey.base64EncodedString()):\(serverKey.base64EncodedString())"
    }

    /// PBKDF2-HMAC-SHA-256 of one block (32 bytes, the length SCRAM-SHA-256 needs).
    private static func pbkdf2(password: Data, salt: Data, iterations: Int) -> SymmetricKey {
        let key = SymmetricKey(data: password)
        var block = Data(HMAC<SHA256>.authenticationCode(for: salt + Data([0, 0, 0, 1]), using: key))
        var result = [UInt8](block)
        for _ in 1..<max(iterations, 1) {
            block = Data(HMAC<SHA256>.authenticationCode(for: block, using: key))
            for (index, byte) in block.enumerated() { result[index] ^= byte }
        }
        return SymmetricKey(data: result)
    }
}
