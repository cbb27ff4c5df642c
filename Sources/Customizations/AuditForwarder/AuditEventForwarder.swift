import AsyncHTTPClient
import Crypto
public import EventStore
public import Foundation
import NIOCore
import NIOHTTP1

/// One POST per event: the event's JSON line as the body, its id in `Tenantry-Event-Id` (for
/// the receiver to deduplicate, since delivery is at least once) and
/// `Tenantry-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
public struct AuditEventForwarder: Sendable {
    public let endpoint: URL
    let secret: String
    public let timeout: Duration

    public init(endpoint: URL, secret: String, timeout: Duration) {
        self.endpoint = endpoint
        self.secret = secret
        self.timeout = timeout
    }

    /// Delivers `event`; throws unless the endpoint answers 2xx.
    public func forward(_ event: RecordedEvent) async throws {
        let body = Array(event.jsonLine.utf8)
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Tenantry-Event-Id", value: event.id.uuidString.lowercased())
        request.headers.add(name: "Tenantry-Signature", value: "sha256=" + Self.signature(of: body, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let seconds = Int64(timeout.components.seconds)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(max(seconds, 1)))
        // Read (and drop) the body so the connection can be reused.
        _ = try await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw ForwardingRefused(endpoint: endpoint, status: Int(response.status.code))
        }
    }

    /// Lowercase hex of HMAC-SHA256(secret, body): what a receiver recomputes to authenticate.
    public static func signature(of body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}

/// The endpoint answered, but not with 2xx.
public struct ForwardingRefused: Error, Sendable, CustomStringConvertible {
    public let endpoint: URL
    public let status: Int
    public var description: String { "\(endpoint.absoluteString) answered \(status)" }
}
