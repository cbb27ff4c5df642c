import EventStore
import Foundation

/// One line of an `events import` file: an event as `RecordedEvent.jsonLine` writes it (what
/// `events read --json` and `events tail --json` print). Its tenant, stream, id and type are
/// read; its data and metadata are taken as the very text the line holds, so numbers keep
/// their digits; position, version and recordedAt are the source store's and are not kept.
struct ImportedEventLine {
    let lineNumber: Int
    let tenant: UUID
    let stream: StreamName
    let event: NewEvent

    /// Parses `text`; a problem is thrown as a message naming the field, without the line
    /// number (the caller adds it).
    static func parse(_ text: Substring, lineNumber: Int) throws(ImportLineError) -> ImportedEventLine {
        let bytes = Data(text.utf8)
        guard let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
            throw ImportLineError("is not a JSON object")
        }
        guard let tenantText = object["tenantId"] as? String, let tenant = UUID(uuidString: tenantText) else {
            throw ImportLineError("\"tenantId\" must be a UUID")
        }
        guard let streamText = object["stream"] as? String, let stream = try? StreamName(streamText) else {
            throw ImportLineError("\"stream\" must be a stream name, category-id")
        }
        guard let idText = object["id"] as? String, let id = UUID(uuidString: idText) else {
            throw ImportLineError("\"id\" must be a UUID")
        }
        guard let type = object["type"] as? String, !type.isEmpty else {
            throw ImportLineError("\"type\" must be an event type")
        }
        guard object["data"] is [String: Any] else { throw ImportLineError("\"data\" must be a JSON object") }
        if let metadata = object["metadata"], !(metadata is [String: Any]) {
            throw ImportLineError("\"metadata\" must be a JSON object")
        }
        let raw = RawJSONMembers.values(in: text)
        guard let data = raw["data"] else { throw ImportLineError("\"data\" must be a JSON object") }
        do {
            let event = try NewEvent(id: id, type: type, dataJSON: String(data), metadataJSON: raw["metadata"].map { String($0) } ?? "{}")
            return ImportedEventLine(lineNumber: lineNumber, tenant: tenant, stream: stream, event: event)
        } catch {
            throw ImportLineError(error.description)
        }
    }
}
