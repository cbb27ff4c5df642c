public import Foundation
import Crypto
public import PostgresClient

extension EventLog {
    /// A data key copied to another database: its id, and the data subject it is for (nil: the
    /// tenant's own).
    public struct CopiedPersonalDataKey: Sendable, Hashable {
        public let id: UUID
        public let subject: String?
    }

    /// Copies `tenant`'s live data keys (its own and its subjects') to `target`'s database, for
    /// a copy of its events read with `personalData: .sealed`; returns what it copied. Refuses
    /// when the target already has another live key for the same tenant and subject (its
    /// events would be sealed under two keys).
    public func copyPersonalDataKeys(of tenant: UUID, to target: EventLog) async throws -> [CopiedPersonalDataKey] {
        do {
            let keys = try await pool.withConnection { connection in try Self.personalDataKeys(of: tenant, on: connection) }
            return try await keys.install(into: target)
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// A tenant's live data keys as read for a copy (their material included): what
    /// `copyPersonalDataKeys` installs, read on a connection the caller holds (a transaction
    /// that must not wait for another connection of its pool).
    public struct PersonalDataKeyCopy: Sendable {
        let tenant: UUID
        let keys: [(owner: PersonalDataKeys.Owner, id: UUID, material: [UInt8])]

        /// Installs the keys into `target`'s database; see `copyPersonalDataKeys`.
        public func install(into target: EventLog) async throws -> [CopiedPersonalDataKey] {
            do {
                try await target.pool.withConnection { connection in
                    for (owner, id, material) in keys {
                        let installed = try PersonalDataKeys.install(
                            PersonalFieldCipher.DataKey(id: id, key: SymmetricKey(data: material)), as: owner, on: connection)
                        guard installed == id else {
                            throw EventStoreError.invalidEvent(
                                "tenant \(tenant.uuidString.lowercased()) already has another personal data key in the target database; nothing was copied over it")
                        }
                    }
                }
                return keys.map { CopiedPersonalDataKey(id: $0.id, subject: $0.owner.subject) }
            } catch let error as EventStoreError {
                throw error
            } catch {
                throw EventStoreError.translate(error)
            }
        }
    }

    /// `tenant`'s live data keys, read on `connection` for a copy.
    public static func personalDataKeys(of tenant: UUID, on connection: isolated PostgresConnection) throws -> PersonalDataKeyCopy {
        do {
            let keys = try PersonalDataKeys.liveKeys(of: tenant, on: connection).map { ($0.owner, $0.key.id, $0.key.key.withUnsafeBytes { Array($0) }) }
            return PersonalDataKeyCopy(tenant: tenant, keys: keys)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// `tenant`'s live data keys here (its own and its subjects'), without their material.
    public func livePersonalDataKeys(of tenant: UUID) async throws -> [CopiedPersonalDataKey] {
        do {
            return try await inTenant(tenant) { connection in
                try PersonalDataKeys.liveKeys(of: tenant, on: connection).map { CopiedPersonalDataKey(id: $0.key.id, subject: $0.owner.subject) }
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Which of `keys` have been forgotten here since (a copy made before must forget them too).
    public func forgottenPersonalDataKeys(among keys: [UUID]) async throws -> Set<UUID> {
        guard !keys.isEmpty else { return [] }
        do {
            return try await pool.withConnection { connection in
                Set(try connection.query(PersonalDataKeys.forgotten(keys)).rows.map { try $0.decode(UUID.self) })
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// `events` with their personal fields sealed, each under the live key of the tenant it is
    /// about (and its subject), found or created on `connection`.
    static func sealingPersonalData(_ events: [NewEvent], tenant: UUID, on connection: isolated PostgresConnection) throws -> [NewEvent] {
        guard events.contains(where: { $0.personalData != nil }) else { return events }
        var keys: [PersonalDataKeys.Owner: PersonalFieldCipher.DataKey] = [:]
        var sealed: [NewEvent] = []
        sealed.reserveCapacity(events.count)
        for event in events {
            guard let personal = event.personalData else {
                sealed.append(event)
                continue
            }
            let owner = PersonalDataKeys.Owner(tenant: personal.owner ?? tenant, subject: personal.subject)
            guard owner.tenant != controlPlaneTenantID else {
                throw EventStoreError.invalidEvent(
                    "invalid event: \(event.type) holds personal data on the control plane without naming the tenant it is about")
            }
            // A tenant's own events hold its own data: only the control plane's name another owner.
            guard owner.tenant == tenant || tenant == controlPlaneTenantID else {
                throw EventStoreError.invalidEvent(
                    "invalid event: \(event.type) of tenant \(tenant.uuidString.lowercased()) names another tenant's key for its personal data")
            }
            let key: PersonalFieldCipher.DataKey
            if let known = keys[owner] {
                key = known
            } else {
                key = try PersonalDataKeys.key(of: owner, on: connection)
                keys[owner] = key
            }
            sealed.append(event.withSealedData(
                try PersonalFieldCipher.seal(event.dataJSON, fields: personal.fields, eventID: event.id, tenant: tenant, type: event.type, with: key)))
        }
        return sealed
    }

    /// `events` with their sealed fields opened with the keys this session may read on
    /// `connection` (in the read's own transaction, so a key forgotten before the read began
    /// is never used); fields whose key is gone read as erased.
    static func openingPersonalData(_ events: [RecordedEvent], on connection: isolated PostgresConnection) throws(PostgresError) -> [RecordedEvent] {
        var keyIDs: Set<UUID> = []
        for event in events where PersonalFieldCipher.mayHoldSealedFields(event.dataJSON) {
            keyIDs.formUnion(PersonalFieldCipher.keyIDs(in: event.dataJSON))
        }
        guard !keyIDs.isEmpty else { return events }
        let keys = try PersonalDataKeys.keys(keyIDs, on: connection)
        let material = keys.mapValues(\.key)
        return events.map { event in
            guard PersonalFieldCipher.mayHoldSealedFields(event.dataJSON) else { return event }
            let opened = PersonalFieldCipher.open(event.dataJSON, eventID: event.id, tenant: event.tenantID, keys: material)
            var revealed = event
            revealed.dataJSON = opened.dataJSON
            revealed.erasedFields = opened.erased
            // How the fields were marked, so a copy of the event (an import, a restore) seals
            // them again; the fields are those of its one key.
            revealed.sealingKeyID = opened.opened.first?.key
            if let key = opened.opened.first?.key, let owner = keys[key]?.owner {
                revealed.personalData = try? PersonalData(
                    fields: opened.opened.filter { $0.key == key }.map(\.field), subject: owner.subject,
                    owner: owner.tenant == event.tenantID ? nil : owner.tenant)
            }
            return revealed
        }
    }
}

extension EventLog {
    /// `dataJSON` with `fields` sealed under the live key of `owner` (created now if it has
    /// none), on the caller's connection: for data written in clear before its fields were
    /// marked personal, which an owner-only function then stores in place (the registry's,
    /// `tenantry.seal_registry_personal_data`).
    public static func sealing(
        _ dataJSON: String, fields: [String], eventID: UUID, eventTenant: UUID, type: String, owner: UUID,
        on connection: isolated PostgresConnection
    ) throws -> String {
        do {
            let key = try PersonalDataKeys.key(of: PersonalDataKeys.Owner(tenant: owner, subject: nil), on: connection)
            return try PersonalFieldCipher.seal(dataJSON, fields: fields, eventID: eventID, tenant: eventTenant, type: type, with: key)
        } catch {
            throw EventStoreError.translate(error)
        }
    }
}
