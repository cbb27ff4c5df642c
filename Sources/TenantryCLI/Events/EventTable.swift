import EventStore
import Foundation

/// The human view of events: one row each, data shortened to fit a terminal.
enum EventTable {
    static func render(_ events: [RecordedEvent], showStream: Bool) -> String {
        var table = showStream
            ? TextTable("POSITION", "TENANT", "STREAM", "VERSION", "TYPE", "RECORDED", "DATA")
            : TextTable("VERSION", "POSITION", "TYPE", "RECORDED", "DATA")
        for event in events {
            let recorded = event.recordedAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
            let data = event.dataJSON.count > 60 ? String(event.dataJSON.prefix(59)) + "…" : event.dataJSON
            if showStream {
                table.append([
                    String(event.position), String(event.tenantID.uuidString.lowercased().prefix(8)), event.stream,
                    String(event.version), event.type, recorded, data,
                ])
            } else {
                table.append([String(event.version), String(event.position), event.type, recorded, data])
            }
        }
        return table.rendered
    }

    static func line(_ event: RecordedEvent) -> String {
        let recorded = event.recordedAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        return "\(event.position)  \(event.tenantID.uuidString.lowercased())  \(event.stream)@\(event.version)  \(event.type)  \(recorded)  \(event.dataJSON)"
    }
}
