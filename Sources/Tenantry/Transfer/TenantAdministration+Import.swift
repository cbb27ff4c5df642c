public import Foundation
import EventStore
public import Provisioning

extension TenantAdministration {
    /// What an import or a restore did.
    public struct TransferOutcome: Sendable {
        /// The tenant the events went to.
        public let tenant: TenantState
        /// Its first API key, when this run created the tenant (shown once; never stored).
        public let apiKey: APIKey?
        /// Events appended now.
        public let appended: Int
        /// Events that were there already (a run again appends nothing twice).
        public let skipped: Int
    }

    /// Loads a tenant's export (`tenant offboard --export`, JSON lines: its registry history,
    /// then its own events) into this installation: registers and provisions a tenant with the
    /// name, email, plan, isolation and attributes the history ends with (or `email` and
    /// `organization`, e.g. for a tenant whose were erased), then appends its events with their
    /// ids, streams and versions, personal fields sealed again under the new tenant's key.
    ///
    /// Idempotent: the new tenant is registered under the idempotency key
    /// `import-<exported tenant id>`, so a run again finds it, and events already there are
    /// skipped. A malformed line, or one of another tenant, is refused naming its number;
    /// events before it stay appended, and a corrected file run again continues.
    public func importTenant(
        from path: String, email: String? = nil, organization: String? = nil, actor: String
    ) async throws -> TransferOutcome {
        var reader = try JSONLinesReader(path: path)
        defer { reader.close() }
        var source: UUID?
        var profile: RegisteredProfile?
        var copy: TenantEventCopy?
        var created: ProvisioningSaga.Outcome?

        func parse(_ line: (number: Int, text: Substring)) throws -> EventLine {
            do {
                return try EventLine(parsing: line.text)
            } catch {
                throw TenantTransferError("line \(line.number): \(error.description)")
            }
        }

        while let line = try reader.next() {
            let event = try parse(line)
            if event.tenantID == ControlPlane.tenantID {
                guard copy == nil else {
                    throw TenantTransferError("line \(line.number): registry history after the tenant's own events; not an export")
                }
                let tenant = try Self.registryTenant(of: event, line: line.number)
                if source == nil { source = tenant }
                guard tenant == source else {
                    throw TenantTransferError("line \(line.number): the history of another tenant (\(tenant.uuidString.lowercased())); an export holds one")
                }
                do {
                    if profile == nil {
                        profile = try RegisteredProfile(registered: event.event.type, dataJSON: event.event.dataJSON)
                    } else {
                        try profile?.fold(type: event.event.type, dataJSON: event.event.dataJSON)
                    }
                } catch let error as TenantTransferError {
                    throw TenantTransferError("line \(line.number): \(error.description)")
                }
                continue
            }
            if copy == nil {
                guard let source, let profile else {
                    throw TenantTransferError("line \(line.number): a tenant's event before its registry history; not an export")
                }
                let registered = try await registerCopy(
                    of: profile, key: "import-\(source.uuidString.lowercased())", email: email, organization: organization, actor: actor)
                created = registered
                copy = TenantEventCopy(store: try await router.eventStore(for: registered.tenant.id), tenant: registered.tenant.id)
            }
            guard event.tenantID == source else {
                throw TenantTransferError("line \(line.number): an event of another tenant (\(event.tenantID.uuidString.lowercased()))")
            }
            try await copy?.add(event.event, stream: event.stream, version: event.version, origin: line.number)
        }
        if created == nil {
            guard let source, let profile else { throw TenantTransferError("\(path) holds no tenant: no registry history") }
            created = try await registerCopy(
                of: profile, key: "import-\(source.uuidString.lowercased())", email: email, organization: organization, actor: actor)
        }
        try await copy?.finish()
        guard let created else { throw TenantTransferError("\(path) holds no tenant") }
        return TransferOutcome(
            tenant: try await lifecycle.load(created.tenant.id) ?? created.tenant, apiKey: created.apiKey,
            appended: copy?.appended ?? 0, skipped: copy?.skipped ?? 0)
    }

    /// The tenant whose registry stream `tenant-<id>` a control-plane line belongs to.
    private static func registryTenant(of line: EventLine, line number: Int) throws -> UUID {
        let name = line.stream.rawValue
        guard name.hasPrefix("tenant-"), let id = UUID(uuidString: String(name.dropFirst("tenant-".count))) else {
            throw TenantTransferError("line \(number): a control-plane event of stream \(name), not of a tenant's registry history")
        }
        return id
    }

    /// Registers and provisions the copy of a tenant (or finds the one `key` registered
    /// before), with its attributes; refuses a profile whose name or email was erased unless
    /// replacements are given.
    func registerCopy(
        of profile: RegisteredProfile, key: String, email: String?, organization: String?, actor: String
    ) async throws -> ProvisioningSaga.Outcome {
        let email = email ?? profile.email
        let organization = organization ?? profile.name
        if email == PersonalData.erasedText || organization == PersonalData.erasedText {
            throw TenantTransferError("the tenant's name and email were erased (forgotten); give --email and --organization for the copy")
        }
        // A dedicated plan's copy gets a database of its own on this installation's cluster.
        var request = SignupRequest(email: email, organization: organization, plan: profile.plan, isolation: profile.isolation, idempotencyKey: key)
        request.slugStyle = .readable
        try request.validate()
        let outcome = try await create(request, actor: actor)
        guard outcome.tenant.status == .active else {
            throw TenantTransferError("the copy \(outcome.tenant.slug) could not be provisioned: \(outcome.tenant.failureReason ?? "unknown"); run tenant retry")
        }
        let missing = profile.attributes.filter { outcome.tenant.attributes[$0.key] != $0.value }
        if !missing.isEmpty {
            _ = try await lifecycle.changeAttributes(outcome.tenant.id, set: missing, remove: [], actor: actor, reason: "copied with the tenant")
        }
        return outcome
    }
}
