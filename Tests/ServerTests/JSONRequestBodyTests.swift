import FeatureFlags
import Foundation
import Hummingbird
import NIOHTTP1
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

    struct Numbers: Decodable {
        var percent: Int
        var position: Int?
        var share: Double?
        var variants: [String: JSONValue]?
    }

    /// What `decodeJSON` says of `json` decoded as `Numbers`: the explanation and the field.
    func numbers(_ json: String) throws -> (String, String?) {
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        do {
            _ = try JSONValueDecoder().decode(Numbers.self, from: document)
            return ("decoded", nil)
        } catch let error as DecodingError {
            return (Request.explain(error), Request.field(of: error))
        }
    }

    @Test("a number that does not fit an integer field (1.5, 1e30, 21 digits) names the field")
    func numbersThatDoNotFit() throws {
        #expect(try numbers(#"{"percent":1.5}"#) == (#""percent": must be a whole number, not 1.5"#, "percent"))
        #expect(try numbers(#"{"percent":1e30}"#).1 == "percent")
        #expect(try numbers(#"{"percent":1e30}"#).0.contains("must be an integer from"))
        #expect(try numbers(#"{"percent":5,"position":123456789012345678901}"#).1 == "position")
        #expect(try numbers(#"{"percent":"5"}"#) == (#""percent" must be an integer"#, "percent"))
        // Integral numbers fit; a JSONValue keeps what was parsed (a double stays a double).
        #expect(try numbers(#"{"percent":2.0,"share":3,"variants":{"a":2.0,"b":2}}"#).0 == "decoded")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"percent":1,"variants":{"a":2.5,"b":2}}"#.utf8))
        let decoded = try JSONValueDecoder().decode(Numbers.self, from: document)
        #expect(decoded.variants == ["a": .double(2.5), "b": .integer(2)])
    }

    @Test("over HTTP: percent 1.5 or 1e30 and a 21-digit position are 400 naming the field, not \"not valid JSON\"")
    func numbersOverHTTP() async throws {
        try await withAdminServer { server async throws in
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"beta"}"#))
            let cases: [(HTTPMethod, String, String, String)] = [
                (.PUT, "/v1/admin/flags/beta/rollout", #"{"percent":1.5}"#, "percent"),
                (.PUT, "/v1/admin/flags/beta/rollout", #"{"percent":1e30}"#, "percent"),
                (.PUT, "/v1/admin/flags/beta/rollout", #"{"splits":[{"variant":"on","percent":50},{"variant":"off","percent":50.5}]}"#, "splits[1].percent"),
                (.POST, "/v1/admin/flags/beta/rules", #"{"variant":"on","condition":"tenant.plan eq pro","position":123456789012345678901}"#, "position"),
            ]
            for (method, path, body, field) in cases {
                let answer = try await server.call(method, path, body)
                server.expect(400, answer)
                #expect(answer.field == field, "\(body): \(answer.text)")
                #expect((answer.json["detail"] as? String)?.contains("not valid JSON") == false, "\(answer.text)")
            }
        }
    }
}
