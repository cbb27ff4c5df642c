import Foundation

extension RecordedEvent {
    /// The event as one line of JSON, the shape `tenantry events tail --json` prints and
    /// exports write: position, tenantId, stream, version, id, type, data, metadata, recordedAt.
    public var jsonLine: String {
        "{\"position\":\(position),\"tenantId\":\"\(tenantID.uuidString.lowercased())\","
            + "\"stream\":\(JSONText.quote(stream)),\"version\":\(version),"
            + "\"id\":\"\(id.uuidString.lowercased())\",\"type\":\(JSONText.quote(type)),"
            + "\"data\":\(dataJSON),\"metadata\":\(metadataJSON),"
            + "\"recordedAt\":\"\(recordedAt.formatted(.iso8601Microseconds))\"}"
    }
}
