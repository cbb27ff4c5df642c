import EventStore
import Foundation
import Testing

@Suite("Events holding U+0000 are refused when made, naming the field")
struct EventStorableTextTests {
    struct Data: Encodable {
        var description: String
        var metadata: [String: String]
    }

    @Test("an Encodable event's data and its metadata, and JSON text from the command line")
    func refused() throws {
        #expect(throws: EventStoreError.self) {
            try NewEvent(type: "FlagDefined", data: Data(description: "a\u{0}b", metadata: [:]))
        }
        do {
            _ = try NewEvent(type: "FlagDefined", data: Data(description: "ok", metadata: ["owner": "x\u{0}"]))
            Issue.record("an event holding U+0000 was made")
        } catch {
            #expect(error.description.contains("\"metadata.owner\""), "\(error)")
            #expect(error.description.contains("U+0000"), "\(error)")
        }
        do {
            _ = try NewEvent(type: "X", data: Data(description: "ok", metadata: [:]), metadata: EventMetadata(reason: "why\u{0}"))
            Issue.record("metadata holding U+0000 was accepted")
        } catch {
            #expect(error.description.contains("metadata field \"reason\""), "\(error)")
        }
        do {
            _ = try NewEvent(type: "X", dataJSON: #"{"rules":[{"name":"ok"},{"name":"r\u0000"}]}"#)
            Issue.record("JSON text holding U+0000 was accepted")
        } catch {
            #expect(error.description.contains("\"rules[1].name\""), "\(error)")
        }
    }

    @Test("an escaped backslash before u0000 is text, not NUL, and is kept")
    func escapedBackslash() throws {
        let event = try NewEvent(type: "X", dataJSON: #"{"path":"C:\\u0000"}"#)
        #expect(event.dataJSON.contains(#"\\u0000"#))
    }
}
