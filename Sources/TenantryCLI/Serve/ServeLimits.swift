import ArgumentParser
import Foundation
import Provisioning
import TenantryServer

/// The server settings `tenantry serve` takes from the environment beside its options: the
/// event-stream token secrets, connection timeouts, and the limits on what one tenant may do.
/// A value that is not usable stops the command before anything starts, naming the variable.
struct ServeLimits {
    let environment: [String: String]

    /// `configuration` with every variable that is set applied.
    func apply(to configuration: inout ServerConfiguration) throws {
        if let current = value("TENANTRY_STREAM_TOKEN_SECRET") {
            let lifetime = try wholeNumber("TENANTRY_STREAM_TOKEN_LIFETIME", in: 60...(30 * 86_400)) ?? 86_400
            do {
                configuration.streamTokenSecrets = try OFREPEventStreamSecrets(
                    current: current, previous: value("TENANTRY_STREAM_TOKEN_PREVIOUS_SECRET"), tokenLifetime: .seconds(lifetime))
            } catch {
                throw ValidationError("\(error)")
            }
        } else if value("TENANTRY_STREAM_TOKEN_PREVIOUS_SECRET") != nil {
            throw ValidationError("TENANTRY_STREAM_TOKEN_PREVIOUS_SECRET is set without TENANTRY_STREAM_TOKEN_SECRET: set the current secret too")
        } else if let lifetime = try wholeNumber("TENANTRY_STREAM_TOKEN_LIFETIME", in: 60...(30 * 86_400)) {
            configuration.streamTokenSecrets = .generated(tokenLifetime: .seconds(lifetime))
        }
        if let idle = try wholeNumber("TENANTRY_IDLE_TIMEOUT", in: 1...3_600) { configuration.idleTimeout = .seconds(idle) }
        if let body = try wholeNumber("TENANTRY_REQUEST_BODY_TIMEOUT", in: 1...3_600) { configuration.requestBodyTimeout = .seconds(body) }
        if let perKey = try wholeNumber("TENANTRY_EVENT_STREAMS_PER_KEY", in: 1...100_000) { configuration.eventStreamsPerKey = perKey }
        if let perTenant = try wholeNumber("TENANTRY_EVENT_STREAMS_PER_TENANT", in: 1...1_000_000) { configuration.eventStreamsPerTenant = perTenant }
        if let text = value("TENANTRY_OFREP_RATE_FACTOR") {
            guard let factor = Double(text), factor.isFinite, factor >= 0.01, factor <= 100_000 else {
                throw ValidationError("TENANTRY_OFREP_RATE_FACTOR=\(text.prefix(40)) is not a factor: give a number between 0.01 and 100000")
            }
            configuration.ofrepRateFactor = factor
        }
        let keyChanges = try wholeNumber("TENANTRY_DAILY_API_KEY_CHANGES", in: 1...1_000_000) ?? configuration.dailyCaps.apiKeyChanges
        let planChanges = try wholeNumber("TENANTRY_DAILY_PLAN_CHANGES", in: 1...1_000_000) ?? configuration.dailyCaps.planChanges
        configuration.dailyCaps = TenantDailyCaps(apiKeyChanges: keyChanges, planChanges: planChanges)
    }

    private func value(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A whole number (seconds or a count) within `range`, nil when the variable is unset.
    private func wholeNumber(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ValidationError("\(name)=\(text.prefix(40)) is out of range: give a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
