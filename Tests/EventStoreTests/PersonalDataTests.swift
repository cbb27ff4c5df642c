@testable import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Personal data: sealed on append, opened on read, erased once its key is forgotten")
struct PersonalDataTests {
    struct Profile: Codable, Hashable {
        var email: String
        var name: String
        var age: Int
        var tags: [String]
        var verified: Bool
        var plan: String
    }

    static let profile = Profile(email: "ada@example.org", name: "Ada Lovelace", age: 36, tags: ["math"], verified: true, plan: "pro")

    static func event(_ profile: Profile = profile, id: UUID = UUID(), subject: String? = nil) throws -> NewEvent {
        try NewEvent(
            id: id, type: "ProfileChanged", data: profile,
            personalData: PersonalData(fields: ["email", "name", "age", "tags", "verified"], subject: subject))
    }

    /// Forgets as the owner, as `tenantry tenant forget` does.
    static func forget(_ tenant: UUID, subject: String? = nil, in database: TestDatabase) async throws -> Int64 {
        try await PostgresConnection.withConnection(database.ownerConfiguration) { connection in
            try await connection.query("""
                SELECT forgotten_keys FROM tenantry.forget_personal_data(\(tenant), \(subject)::text, 'test', 'erasure request', false)
                """).rows.first?.decode(Int64.self) ?? -1
        }
    }

    /// Every text the database holds for `tenant`'s events, as a superuser reads it.
    static func storedData(_ tenant: UUID, in database: TestDatabase) async throws -> String {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.query("SELECT coalesce(string_agg(data::text, E'\\n'), '') FROM tenantry.events WHERE tenant_id = \(tenant)")
                .rows.first?.decode(String.self) ?? ""
        }
    }

    @Test("sealing replaces only the marked members' values; opening puts their text back byte for byte")
    func sealAndOpenRoundTrip() throws {
        let key = PersonalFieldCipher.DataKey(id: UUID(), key: .init(size: .bits256))
        let tenant = UUID()
        let data = #"{"amount": 1.50, "email": "ada@example.org", "nested": {"x": [1, {"y": "}"}]}, "note": "a \"quoted\" }"}"#
        let id = UUID()
        let sealed = try PersonalFieldCipher.seal(data, fields: ["email", "nested"], eventID: id, tenant: tenant, type: "T", with: key)
        #expect(!sealed.contains("ada@example.org"))
        #expect(!sealed.contains(#""y""#))
        #expect(sealed.hasPrefix(#"{"amount": 1.50, "email": {"$personal":"#))
        #expect(sealed.hasSuffix(#", "note": "a \"quoted\" }"}"#))
        let opened = PersonalFieldCipher.open(sealed, eventID: id, tenant: tenant, keys: [key.id: key.key])
        #expect(PersonalFieldCipher.open(sealed, eventID: id, tenant: UUID(), keys: [key.id: key.key]).erased == ["email", "nested"])
        #expect(opened.dataJSON == data)
        #expect(opened.erased.isEmpty)
    }

    @Test("without its key a field reads as erased, as the same kind of value; a sealed value moved to another event does not open")
    func erasedForms() throws {
        let key = PersonalFieldCipher.DataKey(id: UUID(), key: .init(size: .bits256))
        let data = #"{"a": "text", "b": 42, "c": true, "d": {"k": 1}, "e": [1], "f": null, "g": "kept"}"#
        let id = UUID()
        let tenant = UUID()
        let sealed = try PersonalFieldCipher.seal(data, fields: ["a", "b", "c", "d", "e", "f"], eventID: id, tenant: tenant, type: "T", with: key)
        let erased = PersonalFieldCipher.open(sealed, eventID: id, tenant: tenant, keys: [:])
        #expect(erased.dataJSON == #"{"a": "[erased]", "b": 0, "c": false, "d": {}, "e": [], "f": null, "g": "kept"}"#)
        #expect(erased.erased == ["a", "b", "c", "d", "e", "f"])
        // The same sealed text under another event's id fails authentication: erased, not opened.
        #expect(PersonalFieldCipher.open(sealed, eventID: UUID(), tenant: tenant, keys: [key.id: key.key]).erased.count == 6)
        // Padded: a boolean seals to as many bytes as a short string.
        let trueSealed = try PersonalFieldCipher.seal(#"{"v": true}"#, fields: ["v"], eventID: id, tenant: tenant, type: "T", with: key)
        let falseSealed = try PersonalFieldCipher.seal(#"{"v": false}"#, fields: ["v"], eventID: id, tenant: tenant, type: "T", with: key)
        #expect(trueSealed.count == falseSealed.count)
    }

    @Test("a personal field the data does not have, and an empty list, are refused naming them")
    func markingRefusals() throws {
        let missing = #expect(throws: EventStoreError.self) {
            try NewEvent(type: "ProfileChanged", data: Self.profile, personalData: PersonalData(fields: ["phone"]))
        }
        #expect("\(missing.map { String(describing: $0) } ?? "")".contains("marks \"phone\" personal, but its data has no such top-level field"))
        let empty = #expect(throws: EventStoreError.self) { try PersonalData(fields: [String]()) }
        #expect("\(empty.map { String(describing: $0) } ?? "")".contains("personal data names at least one field"))
    }

    @Test("the store keeps only ciphertext; every read opens it, and after forgetting shows it erased with no error and no gap")
    func appendReadForget() async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            let other = UUID()
            try await store.append([try Self.event(), TestEvents.event(2)], to: "profile-1", tenant: tenant)
            try await store.append([try Self.event()], to: "profile-1", tenant: other)

            let stored = try await Self.storedData(tenant, in: database)
            #expect(!stored.contains("ada@example.org") && !stored.contains("Lovelace"))
            #expect(stored.contains("\"plan\": \"pro\""))

            let read = try await store.readStream("profile-1", tenant: tenant)
            #expect(try read[0].decodeData(as: Profile.self) == Self.profile)
            #expect(read[0].erasedFields.isEmpty)
            let feed = try await store.readAll()
            #expect(try feed.filter { $0.type == "ProfileChanged" }.map { try $0.decodeData(as: Profile.self) } == [Self.profile, Self.profile])

            #expect(try await Self.forget(tenant, in: database) == 1)
            let erased = try await store.readStream("profile-1", tenant: tenant)
            #expect(erased.map(\.version) == [1, 2])
            #expect(try erased[0].decodeData(as: Profile.self) == Profile(email: "[erased]", name: "[erased]", age: 0, tags: [], verified: false, plan: "pro"))
            #expect(erased[0].erasedFields == ["age", "email", "name", "tags", "verified"])
            let feedAfter = try await store.readAll().filter { $0.type == "ProfileChanged" }
            #expect(feedAfter.map(\.tenantID) == [tenant, other])
            #expect(feedAfter.map(\.erasedFields.isEmpty) == [false, true])
            // The key row stays as the record, with nothing left to open anything with.
            let keyRows = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("""
                    SELECT count(*) FILTER (WHERE material IS NULL AND subject IS NULL AND forgotten_at IS NOT NULL), count(*)
                    FROM tenantry.personal_data_keys WHERE tenant_id = \(tenant)
                    """).rows.first?.decode((Int64, Int64).self)
            }
            #expect(keyRows?.0 == 1 && keyRows?.1 == 1)
            // A new personal field after forgetting gets a new key; the old events stay erased.
            try await store.append([try Self.event()], to: "profile-1", tenant: tenant)
            #expect(try await store.readStream("profile-1", tenant: tenant).map(\.erasedFields.isEmpty) == [false, true, true])
        }
    }

    @Test("forgetting one data subject erases only the fields sealed for it")
    func subjectKeys() async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            try await store.append([try Self.event(subject: "user-1"), try Self.event(subject: "user-2"), try Self.event()], to: "profile-1", tenant: tenant)
            #expect(try await Self.forget(tenant, subject: "user-1", in: database) == 1)
            #expect(try await store.readStream("profile-1", tenant: tenant).map(\.erasedFields.isEmpty) == [false, true, true])
            #expect(try await Self.forget(tenant, in: database) == 2)
            #expect(try await store.readStream("profile-1", tenant: tenant).map(\.erasedFields.isEmpty) == [false, false, false])
        }
    }

    @Test("a tenant's session reads only its own keys: another tenant's sealed fields read as erased to it")
    func keysFollowRowLevelSecurity() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let tenant = UUID()
            try await store.append([try Self.event()], to: "profile-1", tenant: tenant)
            #expect(try await store.readStream("profile-1", tenant: tenant).first?.erasedFields == [])
            let visibleKeys = try await store.inTenant(UUID()) { connection in
                try connection.query("SELECT count(*) FROM tenantry.personal_data_keys").rows.first?.decode(Int64.self)
            }
            #expect(visibleKeys == 0)
            // The application may not change or delete a key; only forget_personal_data may.
            await #expect(throws: PostgresError.self) {
                try await store.inTenant(tenant) { connection in
                    try connection.query("UPDATE tenantry.personal_data_keys SET material = NULL")
                }
            }
        }
    }

    @Test("a snapshot folded from opened fields never outlives the forgetting of their key: a forgetting waits for a save holding the key and then deletes its snapshot; a save after it writes nothing")
    func snapshotsRaceForgetting() async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            try await store.append([try Self.event()], to: "profile-1", tenant: tenant)
            let key = try #require(try await store.readStream("profile-1", tenant: tenant).first?.sealingKeyID)
            let snapshots = SnapshotStore(pool: store.pool)
            func snapshotCount() async throws -> Int64 {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                    try await admin.query("SELECT count(*) FROM tenantry.snapshots WHERE tenant_id = \(tenant)").rows.first?.decode(Int64.self) ?? -1
                }
            }

            // The save holds the key (its transaction stays open) while the forgetting starts.
            let saver = try await PostgresConnection.connect(database.applicationConfiguration)
            try await saver.query("BEGIN")
            try await saver.query("SELECT set_config('tenantry.tenant_id', \(tenant.uuidString.lowercased()), true)")
            try await saver.save(snapshots, tenant: tenant, key: key)
            let forgetting = Task { try await Self.forget(tenant, in: database) }
            try await waitUntil("the forgetting waits for the save's transaction") {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                    try await admin.query("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE query LIKE '%forget_personal_data%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                        """).rows.first?.decode(Int64.self) == 1
                }
            }
            try await saver.query("COMMIT")
            #expect(try await forgetting.value == 1)
            #expect(try await snapshotCount() == 0)

            // After the forgetting, a save from state opened with the dead key writes nothing.
            try await saver.query("BEGIN")
            try await saver.query("SELECT set_config('tenantry.tenant_id', \(tenant.uuidString.lowercased()), true)")
            try await saver.save(snapshots, tenant: tenant, key: key)
            try await saver.query("COMMIT")
            await saver.close()
            #expect(try await snapshotCount() == 0)
        }
    }

    @Test("concurrent first appends of a tenant's personal data agree on one key")
    func concurrentFirstKey() async throws {
        try await withEventStore(maximumConnections: 8) { store, database async throws in
            let tenant = UUID()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        try await store.append([try Self.event()], to: try StreamName("profile-\(writer)"), tenant: tenant)
                    }
                }
                try await group.waitForAll()
            }
            let keys = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("SELECT count(*) FROM tenantry.personal_data_keys WHERE tenant_id = \(tenant)").rows.first?.decode(Int64.self)
            }
            #expect(keys == 1)
            let events = try await store.readAll().filter { $0.tenantID == tenant }
            #expect(events.count == 8 && events.allSatisfy(\.erasedFields.isEmpty))
        }
    }
}

extension PostgresConnection {
    /// Saves a snapshot of `profile-1` folded from fields `key` opened, in the open transaction.
    fileprivate func save(_ snapshots: SnapshotStore, tenant: UUID, key: UUID) throws {
        try snapshots.save(
            stream: "profile-1", tenant: tenant, type: "profile", version: 1,
            state: PersonalDataTests.profile, sealedWith: [key], on: self)
    }
}
