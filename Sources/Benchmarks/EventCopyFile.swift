import Foundation

/// Writes events as a file in COPY text format, for `\copy tenantry.events (columns) from 'file'`.
///
/// Streams are `<prefix>-<n>`, each holding `eventsPerStream` consecutive versions from 1, so
/// the rows satisfy every key of `tenantry.events`; every event is `Benchmarked {"n": 1}`, the
/// same payload the append workloads write.
enum EventCopyFile {
    /// The columns each line holds, in order.
    static let columns = "tenant_id, stream_name, stream_version, event_id, event_type, data, metadata"

    /// Writes `count` events to `url`, replacing it.
    static func write(to url: URL, count: Int, tenant: UUID, streamPrefix: String, eventsPerStream: Int) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw BenchError("could not create \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let tenantText = tenant.uuidString.lowercased()
        let flushSize = 4 << 20
        var chunk = ""
        chunk.reserveCapacity(flushSize + 512)
        for index in 0..<count {
            let stream = index / eventsPerStream
            let version = index % eventsPerStream + 1
            // Built by hand rather than with CopyTextRow: none of these values holds a tab,
            // newline or backslash, and escaping a million rows character by character would
            // make the load slower than the benchmark it prepares.
            chunk += "\(tenantText)\t\(streamPrefix)-\(stream)\t\(version)\t\(UUID().uuidString.lowercased())\tBenchmarked\t{\"n\": 1}\t{}\n"
            if chunk.utf8.count >= flushSize {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty {
            try handle.write(contentsOf: Data(chunk.utf8))
        }
    }
}
