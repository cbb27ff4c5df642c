import Crypto
public import Foundation
public import Provisioning

/// The credential in the event-stream URL that a bulk evaluation hands out (`eventStreams`):
/// a browser's EventSource cannot send an Authorization header, so the URL carries one.
///
/// `<tenant id>.<key id>.<HMAC-SHA256, base64url>`, keyed by the API key's stored SHA-256.
/// Making one takes the key or its stored digest: a tenant's key holder, the server, or
/// someone who can read the control plane's events (who can read far more already). It
/// needs no secret of its own, so every server process accepts every other's; it stays the
/// same for as long as the key lives, so the bulk body and its ETag do too; revoking the key
/// revokes it. It grants the event stream only. OFREP asks clients to treat the URL as
/// sensitive and never to log it.
public struct OFREPEventStreamToken: Sendable, Hashable, CustomStringConvertible {
    public let tenantID: UUID
    public let keyID: UUID
    private let mac: Data

    /// The token for a tenant's key, given the key's stored SHA-256 (hex).
    public init(tenantID: UUID, keyID: UUID, keySHA256: String) {
        self.tenantID = tenantID
        self.keyID = keyID
        mac = Data(HMAC<SHA256>.authenticationCode(
            for: Self.message(tenantID: tenantID, keyID: keyID), using: SymmetricKey(data: Data(keySHA256.utf8))
        ))
    }

    /// Parses a token's text; nil when it is not one.
    public init?(_ text: Substring) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let tenantID = UUID(uuidString: String(parts[0])), let keyID = UUID(uuidString: String(parts[1])),
            let mac = Data(base64URLEncoded: parts[2]), mac.count == SHA256.byteCount
        else { return nil }
        self.tenantID = tenantID
        self.keyID = keyID
        self.mac = mac
    }

    public var description: String {
        "\(tenantID.uuidString.lowercased()).\(keyID.uuidString.lowercased()).\(mac.base64URLEncodedString())"
    }

    /// The tenant and key the token stands for, when that key is still live in `directory`
    /// and the token was made for it (compared in constant time).
    public func authenticate(in directory: TenantDirectory) -> (tenant: TenantState, keyID: UUID)? {
        guard let tenant = directory.tenant(tenantID), let key = tenant.apiKeys[keyID],
            HMAC<SHA256>.isValidAuthenticationCode(
                mac, authenticating: Self.message(tenantID: tenantID, keyID: keyID), using: SymmetricKey(data: Data(key.sha256.utf8))
            )
        else { return nil }
        return (tenant, keyID)
    }

    private static func message(tenantID: UUID, keyID: UUID) -> Data {
        Data("tenantry/ofrep-event-stream/v1:\(tenantID.uuidString.lowercased()):\(keyID.uuidString.lowercased())".utf8)
    }
}
