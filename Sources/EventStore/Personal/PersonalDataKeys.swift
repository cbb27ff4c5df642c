import Crypto
import Foundation
import PostgresClient

/// The data keys of `tenantry.personal_data_keys` (migration 0113): found or created for
/// sealing, read by id for opening, on the caller's connection so both happen in the
/// transaction of the append or read they serve.
enum PersonalDataKeys {
    /// Whose key: a tenant's own, or one of its data subjects'.
    struct Owner: Hashable {
        let tenant: UUID
        let subject: String?
    }

    /// The live key of `owner`, created now (by the database) if it has none.
    static func key(of owner: Owner, on connection: isolated PostgresConnection) throws(PostgresError) -> PersonalFieldCipher.DataKey {
        let row = try connection.query(statement(owner, candidateID: nil, candidateHex: nil)).rows.first
        guard let (id, materialHex) = try row?.decode((UUID, String).self), let material = bytes(hex: materialHex) else {
            throw .misuse("personal_data_key returned no key")
        }
        return PersonalFieldCipher.DataKey(id: id, key: SymmetricKey(data: material))
    }

    /// A live key as a read finds it: the key, and whose it is.
    struct ReadableKey {
        let key: SymmetricKey
        let owner: Owner
    }

    /// The live keys among `ids` that this session may read (row-level security: a tenant's
    /// session its own tenant's, the operator every tenant's); a forgotten key is not returned.
    static func keys(_ ids: Set<UUID>, on connection: isolated PostgresConnection) throws(PostgresError) -> [UUID: ReadableKey] {
        guard !ids.isEmpty else { return [:] }
        var keys: [UUID: ReadableKey] = [:]
        for row in try connection.query(liveKeys(Array(ids))).rows {
            let (id, tenant, subject, materialHex) = try row.decode((UUID, UUID, String?, String).self)
            if let material = bytes(hex: materialHex) {
                keys[id] = ReadableKey(key: SymmetricKey(data: material), owner: Owner(tenant: tenant, subject: subject))
            }
        }
        return keys
    }

    /// Every live key of `tenant` readable in this session, to copy with its events.
    static func liveKeys(of tenant: UUID, on connection: isolated PostgresConnection) throws(PostgresError) -> [(owner: Owner, key: PersonalFieldCipher.DataKey)] {
        var keys: [(owner: Owner, key: PersonalFieldCipher.DataKey)] = []
        for row in try connection.query(liveKeysOfTenant(tenant)).rows {
            let (id, subject, materialHex) = try row.decode((UUID, String?, String).self)
            guard let material = bytes(hex: materialHex) else { continue }
            keys.append((Owner(tenant: tenant, subject: subject), PersonalFieldCipher.DataKey(id: id, key: SymmetricKey(data: material))))
        }
        return keys
    }

    /// Makes `key` the live key of `owner` on `connection`'s database (a copy's), unless it has
    /// another one; returns the id of the live key there.
    static func install(_ key: PersonalFieldCipher.DataKey, as owner: Owner, on connection: isolated PostgresConnection) throws(PostgresError) -> UUID {
        let hex = key.key.withUnsafeBytes { $0.hexadecimal }
        guard let id = try connection.query(statement(owner, candidateID: key.id, candidateHex: hex)).rows.first?.decode(column: 0, as: UUID.self) else {
            throw .misuse("personal_data_key returned no key")
        }
        return id
    }

    private static func statement(_ owner: Owner, candidateID: UUID?, candidateHex: String?) -> PostgresQuery {
        """
        SELECT key_id, encode(material, 'hex')
        FROM tenantry.personal_data_key(\(owner.tenant), \(owner.subject)::text, \(candidateID)::uuid, decode(\(candidateHex)::text, 'hex'))
        """
    }

    private static func liveKeys(_ ids: [UUID]) -> PostgresQuery {
        """
        SELECT key_id, tenant_id, subject, encode(material, 'hex') FROM tenantry.personal_data_keys
        WHERE key_id = ANY (\(ids)::uuid[]) AND material IS NOT NULL
        """
    }

    static func forgotten(_ ids: [UUID]) -> PostgresQuery {
        "SELECT key_id FROM tenantry.personal_data_keys WHERE key_id = ANY (\(ids)::uuid[]) AND material IS NULL"
    }

    private static func liveKeysOfTenant(_ tenant: UUID) -> PostgresQuery {
        """
        SELECT key_id, subject, encode(material, 'hex') FROM tenantry.personal_data_keys
        WHERE tenant_id = \(tenant) AND material IS NOT NULL
        ORDER BY created_at, key_id
        """
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
