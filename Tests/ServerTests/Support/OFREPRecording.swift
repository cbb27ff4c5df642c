import Foundation
import HTTPTestSupport
import Synchronization
import TestSupport
import Testing

/// The OFREP responses a suite received, kept to be checked against the specification's
/// schemas in one run of `validate_ofrep.py` when the suite ends (`.validatesOFREPResponses`).
final class OFREPRecording: Sendable {
    /// One response: which OFREP operation, its status, content type and body as received.
    struct Exchange: Sendable, Encodable {
        let operation: String
        let status: Int
        let contentType: String?
        let body: String
        let label: String
    }

    private let exchanges = Mutex<[Exchange]>([])

    /// The suite's recording; nil outside a suite with the trait.
    @TaskLocal static var current: OFREPRecording?

    func record(_ exchange: Exchange) {
        exchanges.withLock { $0.append(exchange) }
    }

    var recorded: [Exchange] { exchanges.withLock { $0 } }
}

extension OFREPRecording {
    /// Records `response` of `operation` in the current suite's recording.
    static func record(_ operation: String, _ response: HTTPTestClient.Response, label: String) {
        current?.record(
            Exchange(operation: operation, status: response.status, contentType: response.header("Content-Type"), body: response.text, label: label)
        )
    }
}

/// A suite trait: records every OFREP response its tests receive and, when the suite is done,
/// validates them all against `ofrep-openapi.yaml` with a JSON Schema validator (Draft 2020-12);
/// each response that does not conform is an issue.
struct OFREPResponseValidation: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let recording = OFREPRecording()
        try await OFREPRecording.$current.withValue(recording) {
            try await function()
        }
        let exchanges = recording.recorded
        guard !exchanges.isEmpty else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ofrep-exchanges-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONEncoder().encode(exchanges).write(to: file)
        let outcome = try await PythonTool.run("validate_ofrep.py", [file.path])
        #expect(outcome.status == 0, "OFREP responses do not conform to the specification:\n\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("\(exchanges.count) responses conform"), "\(outcome.standardOutput)\(outcome.standardError)")
    }
}

extension Trait where Self == OFREPResponseValidation {
    /// Validates every OFREP response of the suite against the specification's schemas.
    static var validatesOFREPResponses: Self { Self() }
}
