public import EventStore
public import Foundation

/// Issues, lists and revokes admin tokens: the `tenantry admin token` commands. Every change is
/// an event on `admintoken-<id>` under the control-plane tenant, with its actor and reason.
public struct AdminTokenService: Sendable {
    /// An event store acting as `tenantry_operator` (tokens are control-plane data).
    public let store: EventLog

    /// Tokens recorded in `store` (the control plane's, acting as operator).
    public init(store: EventLog) {
        self.store = store
    }

    /// A token just issued: its record and the token itself, which is shown this once.
    public struct Issued: Sendable {
        /// The token as recorded.
        public let record: AdminTokenRecord
        /// The secret, shown once: only its hash is kept.
        public let secret: String
    }

    /// The longest label, and what it may hold: it names the token in listings and in every
    /// event its holder records (`admin:<label>`).
    public static let maximumLabelLength = 64

    /// Why `label` cannot name a token, or nil when it can: 1 to 64 characters of letters,
    /// digits, `-`, `_`, `.`, `@`.
    public static func problem(withLabel label: String) -> String? {
        let valid = !label.isEmpty && label.count <= maximumLabelLength
            && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.@".unicodeScalars.contains($0)) }
        return valid ? nil : "invalid label \"\(label.prefix(80))\": use 1-\(maximumLabelLength) letters, digits, '-', '_', '.' or '@'"
    }

    /// Issues a new token (AdminTokenIssued); the returned secret is never recorded.
    public func issue(label: String?, actor: String, reason: String? = nil) async throws -> Issued {
        if let label, let problem = Self.problem(withLabel: label) { throw AdminTokenError.invalidInput(problem) }
        if let reason, let problem = ChangeReason.problem(reason) { throw AdminTokenError.invalidInput(problem) }
        let token = AdminToken.generate()
        let issued = AdminTokenEvent.Issued(tokenId: token.id, label: label, prefix: token.prefix, sha256: AdminToken.hash(token.secret))
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        try await store.append(
            [try AdminTokenEvent.issued(issued).newEvent(metadata: metadata)],
            to: AdminTokenStreams.stream(token.id), tenant: EventLog.controlPlaneTenantID, expectedVersion: .noStream
        )
        guard let record = try await load(token.id) else { throw AdminTokenError.notFound(token.id.uuidString.lowercased()) }
        return Issued(record: record, secret: token.secret)
    }

    /// Every token ever issued, revoked ones included, newest first.
    public func list() async throws -> [AdminTokenRecord] {
        try await directory().all
    }

    /// Every token, from every committed event (not only those below the feed's horizon, so a
    /// command sees the token it has just issued).
    public func directory() async throws -> AdminTokenDirectory {
        var directory = AdminTokenDirectory()
        var position: Int64 = 0
        while true {
            let events = try await store.readCategory(
                AdminTokenStreams.category, tenant: EventLog.controlPlaneTenantID, after: position, limit: 5000
            )
            for event in events { try directory.apply(event) }
            guard let last = events.last, events.count == 5000 else { return directory }
            position = last.position
        }
    }

    /// The token with this id, as its stream says; nil when there is none.
    public func load(_ id: UUID) async throws -> AdminTokenRecord? {
        var directory = AdminTokenDirectory()
        for event in try await store.readStream(AdminTokenStreams.stream(id), tenant: EventLog.controlPlaneTenantID, limit: 100) {
            try directory.apply(event)
        }
        return directory.tokens[id]
    }

    /// The token named by its id or by its prefix (`tadm_` and 7 characters, as listings show).
    public func resolve(_ idOrPrefix: String) async throws -> AdminTokenRecord {
        let trimmed = idOrPrefix.trimmingCharacters(in: .whitespaces)
        if let id = UUID(uuidString: trimmed) {
            guard let record = try await load(id) else { throw AdminTokenError.notFound("with id \(trimmed.lowercased())") }
            return record
        }
        // A whole token pasted by mistake is matched by its prefix and never echoed back.
        let prefix = AdminToken.prefix(of: trimmed.hasSuffix("…") ? String(trimmed.dropLast()) : trimmed)
        guard prefix.hasPrefix(AdminToken.scheme), prefix.count == AdminToken.prefixLength else {
            throw AdminTokenError.invalidInput("\"\(prefix)\" is neither a token id nor a token prefix such as tadm_AbC1dEf")
        }
        let matches = try await list().filter { $0.prefix == prefix }
        guard let first = matches.first else { throw AdminTokenError.notFound("with prefix \(prefix)") }
        guard matches.count == 1 else {
            throw AdminTokenError.ambiguous(prefix: prefix, ids: matches.map { $0.id.uuidString.lowercased() })
        }
        return first
    }

    /// Revokes the token (AdminTokenRevoked): it stops authenticating in every server within
    /// milliseconds. Refused when it is revoked already.
    public func revoke(_ idOrPrefix: String, actor: String, reason: String? = nil) async throws -> AdminTokenRecord {
        if let reason, let problem = ChangeReason.problem(reason) { throw AdminTokenError.invalidInput(problem) }
        let record = try await resolve(idOrPrefix)
        guard !record.isRevoked else { throw AdminTokenError.alreadyRevoked(record.prefix) }
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        do {
            // At the version read: of two concurrent revocations, one records and one is refused.
            try await store.append(
                [try AdminTokenEvent.revoked(.init(tokenId: record.id)).newEvent(metadata: metadata)],
                to: AdminTokenStreams.stream(record.id), tenant: EventLog.controlPlaneTenantID,
                expectedVersion: .exact(record.version)
            )
        } catch EventStoreError.wrongExpectedVersion {
            throw AdminTokenError.alreadyRevoked(record.prefix)
        }
        guard let revoked = try await load(record.id) else { throw AdminTokenError.notFound("with id \(record.id.uuidString.lowercased())") }
        return revoked
    }
}
