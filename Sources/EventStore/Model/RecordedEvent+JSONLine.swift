import Foundation

extension RecordedEvent {
    /// The event as one line of JSON, the shape `tenantry events tail --json` prints and
    /// exports write: position, tenantId, stream, version, id, type, data, metadata, recordedAt.
    public var jsonLine: String { jsonLine(data: dataJSON) }

    /// `jsonLine` with other data in its place (a JSON object's text, written as it is): for a
    /// reader that must not see every field, e.g. an API key's hash.
    public func jsonLine(data: String) -> String {
        "{\"position\":\(position),\"tenantId\":\"\(tenantID.uuidString.lowercased())\","
            + "\"stream\":\(JSONString.quoted(stream)),\"version\":\(version),"
            + "\"id\":\"\(id.uuidString.lowercased())\",\"type\":\(JSONString.quoted(type)),"
            + "\"data\":\(data),\"metadata\":\(metadataJSON),"
            + "\"recordedAt\":\"\(recordedAt.formatted(.iso8601Microseconds))\"}"
    }
}
