import Crypto
import Foundation

/// Seals and opens an event's personal fields (pure: the keys come from the caller).
///
/// A sealed field's value is replaced by an envelope,
/// `{"$personal": {"key": "<key id>", "kind": "<JSON kind>", "sealed": "<base64>"}}`, whose
/// `sealed` is AES-256-GCM's nonce, ciphertext and tag of the value's JSON text, padded to a
/// size bucket, under a key derived from the data key for the event, and authenticated with the
/// format, the event's tenant and id, the field's name and the key's id (so a sealed value opens
/// in no other event, field or tenant). The kind stays in clear, so that an erased field keeps
/// its kind: it tells a null, a boolean or a number apart from a string, never which. Opening
/// puts the value's text back byte for byte; without its key (forgotten, or not visible to the
/// reader), the field reads as `PersonalData.erased(kind:)`.
enum PersonalFieldCipher {
    /// Text every envelope holds, looked for before anything is parsed: most events have none.
    static let marker = "\"$personal\""

    /// A data key and its id.
    struct DataKey {
        let id: UUID
        let key: SymmetricKey
    }

    private struct Envelope: Codable {
        struct Sealed: Codable {
            let key: UUID
            let kind: PersonalData.JSONKind
            let sealed: String
        }

        let personal: Sealed

        enum CodingKeys: String, CodingKey {
            case personal = "$personal"
        }
    }

    /// `dataJSON` with each of `fields` sealed under `key`; a field the data does not have at
    /// its top level is refused, naming it.
    static func seal(
        _ dataJSON: String, fields: [String], eventID: UUID, tenant: UUID, type: String, with key: DataKey
    ) throws(EventStoreError) -> String {
        guard let object = TopLevelMembers(dataJSON) else {
            throw .invalidEvent("invalid event: \(type) data must be a JSON object to hold personal fields")
        }
        let present = Set(object.members.map(\.key))
        if let missing = fields.first(where: { !present.contains($0) }) {
            throw .invalidEvent("invalid event: \(type) marks \"\(missing)\" personal, but its data has no such top-level field")
        }
        let wanted = Set(fields)
        do {
            return try object.replacingValues { member in
                guard wanted.contains(member.key) else { return nil }
                let clear = object.text(of: member)
                let box = try AES.GCM.seal(
                    padded(clear), using: eventKey(key.key, eventID: eventID),
                    authenticating: authenticatedData(tenant: tenant, eventID: eventID, field: member.key, key: key.id))
                guard let combined = box.combined else { throw EventStoreError.invalidEvent("invalid event: \(type) could not be sealed") }
                let envelope = Envelope(personal: .init(key: key.id, kind: kind(of: clear), sealed: combined.base64EncodedString()))
                return String(decoding: try envelopeEncoder.encode(envelope), as: UTF8.self)
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw .invalidEvent("invalid event: \(type) personal fields could not be sealed: \(error)")
        }
    }

    /// Writes envelopes with sorted keys and `/` unescaped, so their length depends on the
    /// padded value's bucket alone.
    private static var envelopeEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Whether `dataJSON` may hold a sealed field: a byte search for the marker's rare `$`
    /// (every event read asks, and most hold none).
    static func mayHoldSealedFields(_ dataJSON: String) -> Bool {
        var text = dataJSON
        return text.withUTF8 { bytes in
            let marker = markerBytes
            var start = 0
            while let dollar = bytes[start...].firstIndex(of: UInt8(ascii: "$")) {
                let from = dollar - 1
                if from >= 0, from + marker.count <= bytes.count,
                   marker.indices.allSatisfy({ bytes[from + $0] == marker[$0] }) {
                    return true
                }
                start = dollar + 1
            }
            return false
        }
    }

    private static let markerBytes = Array(marker.utf8)

    /// The ids of the keys the sealed fields of `dataJSON` name.
    static func keyIDs(in dataJSON: String) -> Set<UUID> {
        guard mayHoldSealedFields(dataJSON), let object = TopLevelMembers(dataJSON) else { return [] }
        return Set(object.members.compactMap { envelope(object, $0)?.key })
    }

    /// An event's data with its sealed fields opened.
    struct Opened {
        var dataJSON: String
        /// Fields whose key was not given (forgotten): they read as erased. Sorted.
        var erased: [String] = []
        /// Fields opened, with the key each was sealed with. Sorted by field.
        var opened: [(field: String, key: UUID)] = []
    }

    /// `dataJSON` with its sealed fields opened with `keys`; a field whose key is not among
    /// them (forgotten) reads as erased.
    static func open(_ dataJSON: String, eventID: UUID, tenant: UUID, keys: [UUID: SymmetricKey]) -> Opened {
        guard mayHoldSealedFields(dataJSON), let object = TopLevelMembers(dataJSON) else { return Opened(dataJSON: dataJSON) }
        var erased: [String] = []
        var opened: [(field: String, key: UUID)] = []
        let text = object.replacingValues { member -> String? in
            guard let sealed = envelope(object, member) else { return nil }
            if let key = keys[sealed.key], let combined = Data(base64Encoded: sealed.sealed),
               let box = try? AES.GCM.SealedBox(combined: combined),
               let clear = try? AES.GCM.open(
                   box, using: eventKey(key, eventID: eventID), authenticating: authenticatedData(tenant: tenant, eventID: eventID, field: member.key, key: sealed.key)) {
                opened.append((member.key, sealed.key))
                return unpadded(clear)
            }
            erased.append(member.key)
            return PersonalData.erased(kind: sealed.kind)
        }
        return Opened(dataJSON: text, erased: erased.sorted(), opened: opened.sorted { $0.field < $1.field })
    }

    private static func envelope(_ object: TopLevelMembers, _ member: TopLevelMembers.Member) -> Envelope.Sealed? {
        guard object.bytes[member.value.lowerBound] == UInt8(ascii: "{") else { return nil }
        let text = object.bytes[member.value]
        guard String(decoding: text.prefix(32), as: UTF8.self).contains(marker) else { return nil }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(text)))?.personal
    }

    /// The key an event's fields are sealed with: derived from the data key and the event's id
    /// (HKDF-SHA256), so the random 96-bit nonces of one data key never meet beyond one event,
    /// however many events it seals.
    private static func eventKey(_ key: SymmetricKey, eventID: UUID) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, salt: withUnsafeBytes(of: eventID.uuid) { Data($0) },
            info: Data("tenantry-personal-v1".utf8), outputByteCount: 32)
    }

    /// What a sealed value is bound to: the format, the event's tenant and id, the field and
    /// the key, so it opens nowhere else.
    private static func authenticatedData(tenant: UUID, eventID: UUID, field: String, key: UUID) -> Data {
        var data = Data("tenantry-personal-v1".utf8)
        for id in [tenant, eventID, key] { withUnsafeBytes(of: id.uuid) { data.append(contentsOf: $0) } }
        return data + Data(field.utf8)
    }

    /// The value's text padded with spaces (which JSON allows after a value, and no value ends
    /// with) to 32, 64, 128 or 256 bytes, or a multiple of 256: the ciphertext's length tells
    /// only the bucket, not a boolean from another short value or one email's length.
    private static func padded(_ clear: String) -> Data {
        let count = clear.utf8.count
        let size = count <= 256 ? [32, 64, 128, 256].first { count <= $0 } ?? 256 : (count + 255) / 256 * 256
        return Data(clear.utf8) + Data(repeating: 0x20, count: size - count)
    }

    private static func unpadded(_ clear: Data) -> String {
        var end = clear.endIndex
        while end > clear.startIndex, clear[clear.index(before: end)] == 0x20 { end = clear.index(before: end) }
        return String(decoding: clear[clear.startIndex..<end], as: UTF8.self)
    }

    private static func kind(of json: String) -> PersonalData.JSONKind {
        switch json.utf8.first {
        case UInt8(ascii: "\""): .string
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .boolean
        case UInt8(ascii: "n"): .null
        default: .number
        }
    }
}
