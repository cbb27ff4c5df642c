import Foundation
import HTTPTestSupport
import TestSupport

/// OFREP calls as a provider makes them, each recorded for the suite's schema validation.
extension TestServer {
    static let singlePath = "/ofrep/v1/evaluate/flags/"
    static let bulkPath = "/ofrep/v1/evaluate/flags"

    /// `POST /ofrep/v1/evaluate/flags/{key}` with `{"context": context}`.
    func evaluate(_ key: String, context: String = "{}", apiKey: String?, headers: [(String, String)] = [], label: String) async throws -> HTTPTestClient.Response {
        try await evaluate(key, body: #"{"context":\#(context)}"#, apiKey: apiKey, headers: headers, label: label)
    }

    /// `POST /ofrep/v1/evaluate/flags/{key}` with `body` as it is.
    func evaluate(_ key: String, body: String, apiKey: String?, headers: [(String, String)] = [], label: String) async throws -> HTTPTestClient.Response {
        let response = try await client.post(Self.singlePath + key, json: body, apiKey: apiKey, headers: headers)
        OFREPRecording.record("evaluateFlag", response, label: label)
        return response
    }

    /// `POST /ofrep/v1/evaluate/flags` with `{"context": context}`.
    func evaluateAll(context: String = "{}", apiKey: String?, headers: [(String, String)] = [], label: String) async throws -> HTTPTestClient.Response {
        try await evaluateAll(body: #"{"context":\#(context)}"#, apiKey: apiKey, headers: headers, label: label)
    }

    /// `POST /ofrep/v1/evaluate/flags` with `body` as it is.
    func evaluateAll(body: String, apiKey: String?, headers: [(String, String)] = [], label: String) async throws -> HTTPTestClient.Response {
        let response = try await client.post(Self.bulkPath, json: body, apiKey: apiKey, headers: headers)
        OFREPRecording.record("evaluateFlagsBulk", response, label: label)
        return response
    }
}
