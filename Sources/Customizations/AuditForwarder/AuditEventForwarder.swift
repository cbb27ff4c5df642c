import Crypto
public import EventStore
public import Foundation
import PostgresClient

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One POST per event: the event's JSON line as the body, its id in `Tenantry-Event-Id` (for
/// the receiver to deduplicate, since delivery is at least once) and
/// `Tenantry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.
///
/// The signed timestamp lets a receiver refuse a replayed request: it recomputes the HMAC,
/// refuses a timestamp further than its tolerance from its clock (`verify` uses 5 minutes),
/// and remembers the event ids it accepted within that window (`Docs/customizations.md`).
public struct AuditEventForwarder: Sendable {
    public let endpoint: URL
    let secret: String
    public let timeout: Duration
    /// The clock each attempt's signature is stamped with.
    let now: @Sendable () -> Date
    private let client = WebhookClient()

    /// The receiver's default tolerance between a signature's timestamp and its own clock.
    public static let defaultTolerance: Duration = .seconds(300)

    public init(endpoint: URL, secret: String, timeout: Duration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.endpoint = endpoint
        self.secret = secret
        self.timeout = timeout
        self.now = now
    }

    /// Delivers `event`; throws unless the endpoint answers 2xx.
    public func forward(_ event: RecordedEvent) async throws {
        let body = Array(event.jsonLine.utf8)
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(event.id.uuidString.lowercased(), forHTTPHeaderField: "Tenantry-Event-Id")
        // Stamped per attempt: a retry hours later is a fresh, verifiable request.
        request.setValue(Self.signatureHeader(of: body, secret: secret, at: now()), forHTTPHeaderField: "Tenantry-Signature")
        request.httpBody = Data(body)
        let status = try await client.send(request, timeout: max(timeout, .seconds(1)))
        guard (200..<300).contains(status) else {
            throw ForwardingRefused(endpoint: endpoint, status: status)
        }
    }

    /// The `Tenantry-Signature` value for `body` sent at `time`: `t=<unix seconds>,v1=<hex>`.
    public static func signatureHeader(of body: [UInt8], secret: String, at time: Date) -> String {
        let timestamp = Int64(time.timeIntervalSince1970.rounded(.down))
        return "t=\(timestamp),v1=" + signature(of: body, timestamp: timestamp, secret: secret)
    }

    /// Lowercase hex of HMAC-SHA256(secret, "<timestamp>." + body): what a receiver recomputes.
    public static func signature(of body: [UInt8], timestamp: Int64, secret: String) -> String {
        let signed = Array("\(timestamp).".utf8) + body
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return code.hexadecimal
    }

    /// A receiver's check, for receivers written in Swift and for tests: whether `header`
    /// (a `Tenantry-Signature` value) signs `body` with `secret` at a time within `tolerance`
    /// of `now`. The comparison is constant-time. Deduplicating by `Tenantry-Event-Id` within
    /// the tolerance is still the receiver's job.
    public static func verify(
        header: String, body: [UInt8], secret: String, now: Date = Date(), tolerance: Duration = defaultTolerance
    ) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return false }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1": signatures.append(pair[1])
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { return false }
        let skew = abs(now.timeIntervalSince1970 - Double(timestamp))
        guard skew <= Double(tolerance.components.seconds) else { return false }
        let expected = Array(signature(of: body, timestamp: timestamp, secret: secret).utf8)
        return signatures.contains { candidate in
            let given = Array(candidate.utf8)
            guard given.count == expected.count else { return false }
            return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}

/// The endpoint answered, but not with 2xx.
public struct ForwardingRefused: Error, Sendable, CustomStringConvertible {
    public let endpoint: URL
    public let status: Int
    public var description: String { "\(endpoint.absoluteString) answered \(status)" }
}
