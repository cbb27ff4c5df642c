import EventStore
import FeatureFlags
import Foundation
import Hummingbird
import Provisioning

extension Response {
    /// `{"events": [ … ]}`, each event in the shape of `events tail --json` (position,
    /// tenantId, stream, version, id, type, data, metadata, recordedAt), oldest first, with the
    /// data fields `TenantEvent.secretFields(ofType:)` names left out.
    static func events(_ events: [RecordedEvent]) -> Response {
        .json(bytes: Array(("{\"events\":[" + events.map(\.adminJSONLine).joined(separator: ",") + "]}").utf8))
    }

    /// One page of a history: `{"events": [ … ], "next": <version> | null}`, the events as
    /// `events(_:)` writes them; `next` is the `after` of the following page, null on the last.
    static func eventPage(_ events: [RecordedEvent], next: Int64?) -> Response {
        let lines = events.map(\.adminJSONLine).joined(separator: ",")
        return .json(bytes: Array(("{\"events\":[" + lines + "],\"next\":" + (next.map(String.init) ?? "null") + "}").utf8))
    }
}

extension RecordedEvent {
    /// `jsonLine` without the secret data fields of the event's type (an `APIKeyIssued`'s
    /// `sha256`): what the admin API writes. Data that cannot be read back is written as `{}`
    /// rather than risk writing a secret.
    var adminJSONLine: String {
        let secrets = TenantEvent.secretFields(ofType: type)
        guard !secrets.isEmpty else { return jsonLine }
        var members: [String: JSONValue] = [:]
        if case .object(let decoded)? = try? JSONDecoder().decode(JSONValue.self, from: Data(dataJSON.utf8)) {
            members = decoded
        }
        for field in secrets { members[field] = nil }
        return jsonLine(data: String(decoding: JSONWriter.bytes(.object(members)), as: UTF8.self))
    }
}
