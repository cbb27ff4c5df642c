import Foundation
import HTTPTestSupport
import Hummingbird
import TenantryServer
import TestSupport
import Testing

@Suite("OFREP's 500 in the specification's shape", .validatesOFREPResponses)
struct OFREPInternalErrorTests {
    struct StoreUnavailable: Error {}

    /// A router whose OFREP routes fail unexpectedly, with the middlewares the Tenantry server
    /// puts in front of them (nothing in Tenantry's own routes fails this way on purpose),
    /// driven in process.
    func withFailingOFREPServer(_ body: @Sendable (HTTPTestClient) async throws -> Void) async throws {
        let router = Router(context: TenantryRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.group("ofrep/v1/evaluate")
            .add(middleware: ProblemMiddleware.ofrep)
            .post("flags/:key") { _, _ -> Response in throw StoreUnavailable() }
            .post("flags") { _, _ -> Response in throw StoreUnavailable() }
            .post("flags/refused/:key") { _, _ -> Response in throw ProblemDetails.status(.unauthorized, detail: "no key") }
        try await HTTPTestClient.inProcess(Application(router: router), body)
    }

    @Test("an unexpected failure is 500 application/json {errorDetails}, for one flag and in bulk; a refusal stays a problem document")
    func internalError() async throws {
        try await withFailingOFREPServer { client in
            for (operation, path) in [("evaluateFlag", "/ofrep/v1/evaluate/flags/anything"), ("evaluateFlagsBulk", "/ofrep/v1/evaluate/flags")] {
                let response = try await client.post(path, json: #"{"context":{}}"#, apiKey: nil)
                OFREPRecording.record(operation, response, label: "internal error (\(operation))")
                #expect(response.status == 500)
                #expect(response.header("Content-Type") == "application/json")
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
                #expect(Set(body.keys) == ["errorDetails"])
                #expect((body["errorDetails"] as? String)?.isEmpty == false)
            }
            let refused = try await client.post("/ofrep/v1/evaluate/flags/refused/x", json: "{}", apiKey: nil)
            #expect(refused.status == 401)
            #expect(refused.header("Content-Type") == "application/problem+json")
        }
    }
}
