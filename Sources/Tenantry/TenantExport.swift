import EventStore
import Foundation
import Provisioning

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes every event of one tenant to a JSON Lines file, atomically: a temporary file renamed
/// into place once complete, so a half-written export never looks like a finished one. The
/// file holds the tenant's registry history (its `tenant-<id>` stream, from the control plane)
/// and then every event of its own, from wherever it lives.
///
/// An export holds personal data: it is created readable by its owner alone (0600), in a
/// directory created 0700 when missing, with those modes from the start (never widened and
/// then narrowed), and without the secret data fields of the registry's events
/// (`TenantEvent.secretFields`: an API key's hash would let its holder test guesses offline).
/// Both streams are written page by page, so a long stream is never held in memory.
enum TenantExport {
    static func write(tenant: UUID, tenants: TenantService, from store: EventLog, to path: String) async throws -> Int {
        try createMissingDirectories(of: path)
        let temporary = path + ".partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [
                NSFilePathErrorKey: temporary, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO),
            ])
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var count = 0
        do {
            try await tenants.forEachHistoryPage(tenant) { page in
                try handle.write(contentsOf: Data(page.map { redacted($0) + "\n" }.joined().utf8))
                count += page.count
            }
            var cursor = GlobalCursor.start
            while true {
                try Task.checkCancellation()
                let page = try await store.readPage(after: cursor, filter: EventFilter(tenantID: tenant), limit: 1000)
                if !page.events.isEmpty {
                    try handle.write(contentsOf: Data(page.events.map { $0.jsonLine + "\n" }.joined().utf8))
                    count += page.events.count
                }
                cursor = page.nextCursor(after: cursor)
                if !page.isFull, !page.hasHeldBackEvents { break }
            }
            try handle.synchronize()
            try handle.close()
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return count
    }

    /// The event's JSON line without its type's secret data fields; data that cannot be read
    /// back is written as `{}` rather than risk writing a secret.
    static func redacted(_ event: RecordedEvent) -> String {
        let secrets = TenantEvent.secretFields(ofType: event.type)
        guard !secrets.isEmpty else { return event.jsonLine }
        var data: [String: Any] = [:]
        if let decoded = try? JSONSerialization.jsonObject(with: Data(event.dataJSON.utf8)) as? [String: Any] {
            data = decoded
        }
        for field in secrets { data[field] = nil }
        let text = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return event.jsonLine(data: text)
    }

    /// Creates the directories leading to `path` that do not exist yet, each 0700 (`mkdir`'s
    /// mode, so none is ever more open); existing ones are left as they are.
    private static func createMissingDirectories(of path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var missing: [URL] = []
        var candidate = directory
        while !FileManager.default.fileExists(atPath: candidate.path), candidate.path != "/" {
            missing.append(candidate)
            candidate = candidate.deletingLastPathComponent()
        }
        for url in missing.reversed() where mkdir(url.path, 0o700) != 0 && errno != EEXIST {
            throw CocoaError(.fileWriteNoPermission, userInfo: [
                NSFilePathErrorKey: url.path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO),
            ])
        }
    }
}
