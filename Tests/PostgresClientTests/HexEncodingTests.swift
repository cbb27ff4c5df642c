import Foundation
import PostgresClient
import Testing

@Suite("Bytes as hexadecimal")
struct HexEncodingTests {
    @Test("every byte is two lowercase digits, in order, as printf's %02x writes it")
    func everyByte() {
        let bytes = (0...255).map(UInt8.init)
        #expect(bytes.hexadecimal == bytes.map { String(format: "%02x", $0) }.joined())
        #expect([UInt8]().hexadecimal == "")
        #expect(Data([0xde, 0xad, 0xbe, 0xef]).hexadecimal == "deadbeef")
    }
}
