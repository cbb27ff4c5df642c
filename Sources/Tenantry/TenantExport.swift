import EventStore
import Foundation

/// Writes every event of one tenant to a JSON Lines file, atomically: a temporary file renamed
/// into place once complete, so a half-written export never looks like a finished one. The
/// file holds the tenant's registry history (its `tenant-<id>` stream, from the control plane)
/// and then every event of its own, from wherever it lives.
enum TenantExport {
    static func write(tenant: UUID, history: [RecordedEvent], from store: EventStore, to path: String) async throws -> Int {
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        var count = 0
        do {
            try handle.write(contentsOf: Data(history.map { $0.jsonLine + "\n" }.joined().utf8))
            count += history.count
            var cursor = GlobalCursor.start
            while true {
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
}
