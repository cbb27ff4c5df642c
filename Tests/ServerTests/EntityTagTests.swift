import Testing
import TenantryServer

@Suite("ETag and If-None-Match (RFC 9110)")
struct EntityTagTests {
    let tag = EntityTag(of: Array(#"{"flags":[]}"#.utf8))

    @Test("the tag is strong, quoted and fixed by the body's bytes")
    func tagOfBody() {
        #expect(tag.headerValue == "\"\(tag.opaqueTag)\"")
        #expect(tag.opaqueTag.count == 32)
        #expect(tag == EntityTag(of: Array(#"{"flags":[]}"#.utf8)))
        #expect(tag != EntityTag(of: Array(#"{"flags":[ ]}"#.utf8)))
    }

    @Test("If-None-Match matches by weak comparison, in lists, across header lines, and as *", arguments: [
        (["\"TAG\""], true),
        (["W/\"TAG\""], true),
        (["\"a\", \"TAG\""], true),
        (["\"a,TAG\", W/\"TAG\""], true),
        (["\"a\"", "\"TAG\""], true),
        (["  *  "], true),
        (["\"a,TAG\""], false),
        (["TAG"], false),
        (["\"tag-other\""], false),
        ([String](), false),
    ])
    func ifNoneMatch(fieldValues: [String], matches: Bool) {
        let values = fieldValues.map { $0.replacingOccurrences(of: "TAG", with: tag.opaqueTag) }
        #expect(tag.isMatched(byIfNoneMatch: values) == matches, "\(values)")
    }
}
