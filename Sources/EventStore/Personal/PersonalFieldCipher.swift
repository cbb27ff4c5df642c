import Crypto
import Foundation

/// Seals and opens an event's personal fields (pure: the keys come from the caller).
///
/// A sealed field's value is replaced by an envelope,
/// `{"$personal": {"key": "<key id>", "kind": "<JSON kind>", "sealed": "<base64>"}}`, whose
/// `sealed` is AES-256-GCM's nonce, ciphertext and tag of the value's JSON text, authenticated
/// with the event's id and the field's name (so a sealed value cannot be moved to another event
/// or field). Opening puts the value's text back byte for byte; without its key (forgotten, or
/// not visible to the reader), the field reads as `PersonalData.erased(kind:)`.
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
    static func seal(_ dataJSON: String, fields: [String], eventID: UUID, type: String, with key: DataKey) throws(EventStoreError) -> String {
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
                    Data(clear.utf8), using: key.key, authenticating: authenticatedData(eventID: eventID, field: member.key))
                guard let combined = box.combined else { throw EventStoreError.invalidEvent("invalid event: \(type) could not be sealed") }
                let envelope = Envelope(personal: .init(key: key.id, kind: kind(of: clear), sealed: combined.base64EncodedString()))
                return String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self)
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw .invalidEvent("invalid event: \(type) personal fields could not be sealed: \(error)")
        }
    }

    /// Whether `dataJSON` may hold a sealed field.
    static func mayHoldSealedFields(_ dataJSON: String) -> Bool {
        dataJSON.contains(marker)
    }

    /// The ids of the keys the sealed fields of `dataJSON` name.
    static func keyIDs(in dataJSON: String) -> Set<UUID> {
        guard mayHoldSealedFields(dataJSON), let object = TopLevelMembers(dataJSON) else { return [] }
        return Set(object.members.compactMap { envelope(object, $0)?.key })
    }

    /// `dataJSON` with its sealed fields opened with `keys`, and the fields whose key was not
    /// among them (forgotten), which read as erased.
    static func open(_ dataJSON: String, eventID: UUID, keys: [UUID: SymmetricKey]) -> (dataJSON: String, erased: [String]) {
        guard mayHoldSealedFields(dataJSON), let object = TopLevelMembers(dataJSON) else { return (dataJSON, []) }
        var erased: [String] = []
        let opened = object.replacingValues { member -> String? in
            guard let sealed = envelope(object, member) else { return nil }
            if let key = keys[sealed.key], let combined = Data(base64Encoded: sealed.sealed),
               let box = try? AES.GCM.SealedBox(combined: combined),
               let clear = try? AES.GCM.open(box, using: key, authenticating: authenticatedData(eventID: eventID, field: member.key)) {
                return String(decoding: clear, as: UTF8.self)
            }
            erased.append(member.key)
            return PersonalData.erased(kind: sealed.kind)
        }
        return (opened, erased.sorted())
    }

    private static func envelope(_ object: TopLevelMembers, _ member: TopLevelMembers.Member) -> Envelope.Sealed? {
        guard object.bytes[member.value.lowerBound] == UInt8(ascii: "{") else { return nil }
        let text = object.bytes[member.value]
        guard String(decoding: text.prefix(32), as: UTF8.self).contains(marker) else { return nil }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(text)))?.personal
    }

    private static func authenticatedData(eventID: UUID, field: String) -> Data {
        withUnsafeBytes(of: eventID.uuid) { Data($0) } + Data(field.utf8)
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
