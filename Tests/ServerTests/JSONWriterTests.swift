import FeatureFlags
import Testing
import TenantryServer

@Suite("JSON as OFREP bodies need it")
struct JSONWriterTests {
    @Test("doubles stay doubles, integers stay integers, keys are sorted, strings are escaped")
    func canonicalJSON() {
        let value: JSONValue = .object([
            "b": .array([.double(1.0), .double(0.5), .double(1e20), .double(-0.0), .integer(-9_007_199_254_740_993)]),
            "a": .string("quote \" backslash \\ newline \n tab \t nul \u{0} é"),
            "c": .object(["z": .null, "y": .bool(true)]),
        ])
        let text = String(decoding: JSONWriter.bytes(value), as: UTF8.self)
        #expect(text == #"{"a":"quote \" backslash \\ newline \n tab \t nul \u0000 é","b":[1.0,0.5,1e+20,-0.0,-9007199254740993],"c":{"y":true,"z":null}}"#)
    }
}
