import Foundation
import PostgresClient
import Testing

@Suite("COPY text fields written as bytes")
struct CopyTextFieldTests {
    @Test("a field written as bytes is the field of the line written as a string, awkward characters and all", arguments: [
        "plain", "", "tab\there", "crlf\r\nend", "tab\t\u{301}mark", "back\\\u{301}slash", "\r\n\r\n", "nl\n\u{20DD}", "é\\ü\t漢\n",
    ])
    func bytesMatchTheLine(_ value: String) {
        var bytes: [UInt8] = []
        CopyTextRow.appendField(value, to: &bytes)
        bytes.append(0x0A)
        #expect(bytes == Array(CopyTextRow.line([value]).utf8))
    }

    @Test("a uuid field is its 36 lowercase characters")
    func uuidIsLowercase() {
        for _ in 0..<100 {
            let id = UUID()
            var bytes: [UInt8] = [0x41]
            CopyTextRow.appendField(id, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "A" + id.uuidString.lowercased())
        }
    }
}
