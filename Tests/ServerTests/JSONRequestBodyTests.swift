import Foundation
import Hummingbird
@testable import TenantryServer
import Testing

@Suite("Request bodies: errors name the field")
struct JSONRequestBodyTests {
    struct Rule: Decodable {
        var name: String
        var seats: Int
    }

    struct Body: Decodable {
        var plan: String
        var rules: [Rule]
    }

    func explain(_ json: String) -> (String, String?) {
        do {
            _ = try JSONDecoder().decode(Body.self, from: Data(json.utf8))
            return ("decoded", nil)
        } catch let error as DecodingError {
            return (Request.explain(error), Request.field(of: error))
        } catch {
            return ("\(error)", nil)
        }
    }

    @Test("a missing field, a wrong type and a null each name the field by its JSON path")
    func namesTheField() {
        #expect(explain(#"{"rules":[]}"#) == (#""plan" is missing"#, "plan"))
        #expect(explain(#"{"plan":7,"rules":[]}"#) == (#""plan" must be a string"#, "plan"))
        #expect(explain(#"{"plan":"pro","rules":[{"name":"a","seats":1},{"name":"b","seats":"many"}]}"#)
            == (#""rules[1].seats" must be an integer"#, "rules[1].seats"))
        #expect(explain(#"{"plan":null,"rules":[]}"#).1 == "plan")
    }
}
