import EventStore
import Hummingbird

extension Response {
    /// `{"events": [ … ]}`, each event in the shape of `events tail --json` (position,
    /// tenantId, stream, version, id, type, data, metadata, recordedAt), oldest first.
    static func events(_ events: [RecordedEvent]) -> Response {
        // The events' data and metadata are JSON objects already: written as they are.
        .json(bytes: Array(("{\"events\":[" + events.map(\.jsonLine).joined(separator: ",") + "]}").utf8))
    }
}
