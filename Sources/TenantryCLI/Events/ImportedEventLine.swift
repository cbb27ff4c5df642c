import EventStore
import Foundation

/// One line of an `events import` file: an event as `RecordedEvent.jsonLine` writes it (what
/// `events read --json` and `events tail --json` print), read by `EventLine`. Its tenant,
/// stream, id, type, data, metadata and personal-field marking are kept; position, version and
/// recordedAt are the source store's and are not.
struct ImportedEventLine {
    let lineNumber: Int
    let tenant: UUID
    let stream: StreamName
    let event: NewEvent

    /// Parses `text`; a problem is thrown as a message naming the field, without the line
    /// number (the caller adds it).
    static func parse(_ text: Substring, lineNumber: Int) throws(ImportLineError) -> ImportedEventLine {
        do {
            let line = try EventLine(parsing: text)
            return ImportedEventLine(lineNumber: lineNumber, tenant: line.tenantID, stream: line.stream, event: line.event)
        } catch {
            throw ImportLineError(error.description)
        }
    }
}
