import Foundation

extension RecordedEvent {
    /// The event as one line of JSON, the shape `tenantry events tail --json` prints and
    /// exports write: position, tenantId, stream, version, id, type, data, metadata, recordedAt,
    /// and, for an event with personal fields, `personal` (`fields`, `subject`?, `owner`?: how
    /// they were marked, for an import to seal them again) and `erased` (fields whose key was
    /// forgotten).
    public var jsonLine: String { jsonLine(data: dataJSON) }

    /// `jsonLine` with other data in its place (a JSON object's text, written as it is): for a
    /// reader that must not see every field, e.g. an API key's hash.
    public func jsonLine(data: String) -> String {
        var line = "{\"position\":\(position),\"tenantId\":\"\(tenantID.uuidString.lowercased())\","
            + "\"stream\":\(JSONString.quoted(stream)),\"version\":\(version),"
            + "\"id\":\"\(id.uuidString.lowercased())\",\"type\":\(JSONString.quoted(type)),"
            + "\"data\":\(data),\"metadata\":\(metadataJSON),"
            + "\"recordedAt\":\"\(recordedAt.formatted(.iso8601Microseconds))\""
        if let personalData {
            line += ",\"personal\":{\"fields\":[" + personalData.fields.map(JSONString.quoted).joined(separator: ",") + "]"
            if let subject = personalData.subject { line += ",\"subject\":" + JSONString.quoted(subject) }
            if let owner = personalData.owner { line += ",\"owner\":\"\(owner.uuidString.lowercased())\"" }
            line += "}"
        }
        if !erasedFields.isEmpty {
            line += ",\"erased\":[" + erasedFields.map(JSONString.quoted).joined(separator: ",") + "]"
        }
        return line + "}"
    }
}
