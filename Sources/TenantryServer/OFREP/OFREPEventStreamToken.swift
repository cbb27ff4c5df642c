public import Crypto
public import Foundation
public import Provisioning

/// The credential in the event-stream URL that a bulk evaluation hands out (`eventStreams`):
/// a browser's EventSource cannot send an Authorization header, so the URL carries one.
///
/// `<tenant id>.<key id>.<expiry, Unix seconds>.<HMAC-SHA256, base64url>`, keyed by a server
/// secret (`OFREPEventStreamSecrets`), never by anything stored with the key: whoever reads
/// the control plane's events or an export cannot make one. It is valid until its expiry and
/// while its key lives (revoking the key revokes it) and grants the event stream only. Its
/// expiry is rounded up to the next 1/24 of the lifetime, so the token, and with it the bulk
/// body and its ETag, stays the same for that long. OFREP asks clients to treat the URL as
/// sensitive and never to log it.
public struct OFREPEventStreamToken: Sendable, Hashable, CustomStringConvertible {
    public let tenantID: UUID
    public let keyID: UUID
    /// Unix seconds after which the token is refused.
    public let expiresAt: Int64
    private let mac: Data

    /// A token for a tenant's key, valid until `expiresAt`, signed with `secret`.
    public init(tenantID: UUID, keyID: UUID, expiresAt: Int64, secret: SymmetricKey) {
        self.tenantID = tenantID
        self.keyID = keyID
        self.expiresAt = expiresAt
        mac = Data(HMAC<SHA256>.authenticationCode(
            for: Self.message(tenantID: tenantID, keyID: keyID, expiresAt: expiresAt), using: secret
        ))
    }

    /// The token a bulk evaluation at `now` hands out: signed with the current secret, valid at
    /// least `secrets.tokenLifetime`.
    public static func issue(tenantID: UUID, keyID: UUID, secrets: OFREPEventStreamSecrets, now: Date = Date()) -> OFREPEventStreamToken {
        let lifetime = max(Int64(secrets.tokenLifetime.components.seconds), 60)
        let step = max(lifetime / 24, 1)
        let earliest = Int64(now.timeIntervalSince1970.rounded(.up)) + lifetime
        let expiresAt = (earliest + step - 1) / step * step
        return OFREPEventStreamToken(tenantID: tenantID, keyID: keyID, expiresAt: expiresAt, secret: secrets.signing)
    }

    /// Parses a token's text; nil when it is not one.
    public init?(_ text: Substring) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let tenantID = UUID(uuidString: String(parts[0])), let keyID = UUID(uuidString: String(parts[1])),
            parts[2].count <= 12, parts[2].allSatisfy(\.isASCIIDigitCharacter), let expiresAt = Int64(parts[2]),
            let mac = Data(base64URLEncoded: parts[3]), mac.count == SHA256.byteCount
        else { return nil }
        self.tenantID = tenantID
        self.keyID = keyID
        self.expiresAt = expiresAt
        self.mac = mac
    }

    public var description: String {
        "\(tenantID.uuidString.lowercased()).\(keyID.uuidString.lowercased()).\(expiresAt).\(mac.base64URLEncodedString())"
    }

    /// The tenant and key the token stands for, when it has not expired at `now`, was signed
    /// with one of `secrets` (compared in constant time), and its key is still live in
    /// `directory`.
    public func authenticate(
        in directory: TenantDirectory, secrets: OFREPEventStreamSecrets, now: Date = Date()
    ) -> (tenant: TenantState, keyID: UUID)? {
        guard Double(expiresAt) > now.timeIntervalSince1970 else { return nil }
        let message = Self.message(tenantID: tenantID, keyID: keyID, expiresAt: expiresAt)
        guard secrets.verifying.contains(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: $0) }),
            let tenant = directory.tenant(tenantID), tenant.apiKeys[keyID] != nil
        else { return nil }
        return (tenant, keyID)
    }

    private static func message(tenantID: UUID, keyID: UUID, expiresAt: Int64) -> Data {
        Data("tenantry/ofrep-event-stream/v2:\(tenantID.uuidString.lowercased()):\(keyID.uuidString.lowercased()):\(expiresAt)".utf8)
    }
}

extension Character {
    /// 0-9 only (`isNumber` admits other scripts' digits, which `Int64` would refuse anyway).
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
