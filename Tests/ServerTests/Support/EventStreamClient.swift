import Foundation
import HTTPTestSupport
import TestSupport

/// A Server-Sent Events client for tests: opens a stream on a real socket and hands out
/// its events one at a time, each within a deadline (a stream that goes quiet fails the test).
final class EventStreamClient: Sendable {
    /// One event: its fields as received (`id`, `event`, `data`, `retry`), comments left out.
    struct Event: Sendable, Equatable {
        var fields: [String: String]
        var id: String? { fields["id"] }
        var data: String? { fields["data"] }
        /// The id as the server makes it: the catalog's revision and the tenant's version.
        var position: (revision: UInt64, version: Int64)? {
            guard let parts = id?.split(separator: "-"), parts.count == 2, let revision = UInt64(parts[0]), let version = Int64(parts[1]) else {
                return nil
            }
            return (revision, version)
        }

        /// The event as `validate_ofrep.py`'s `sseEvent` exchange body (`retry` is a number
        /// there, as the SSE field's digits mean).
        var json: String {
            var object: [String: Any] = fields
            if let retry = fields["retry"] { object["retry"] = Int(retry) ?? retry }
            return String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
        }

        /// `data` parsed as a JSON object.
        var dataObject: [String: Any]? {
            data.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    let status: Int
    let contentType: String?
    private let response: StreamedResponse

    /// A response header's value.
    func header(_ name: String) -> String? { response.headers.first(name: name) }
    private let events: AsyncThrowingStream<Event, any Error>
    private let reader: Task<Void, Never>

    private init(response: StreamedResponse, events: AsyncThrowingStream<Event, any Error>, reader: Task<Void, Never>) {
        self.response = response
        self.status = response.status
        self.contentType = response.headers.first(name: "Content-Type")
        self.events = events
        self.reader = reader
    }

    /// Opens `url` (`http://host:port/path`) with `headers`; the stream's events are read in
    /// the background.
    static func open(_ url: String, headers: [(String, String)] = []) async throws -> EventStreamClient {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw TestServerError("not an http://host:port/ URL: \(url)")
        }
        let path = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let response = try await StreamedResponse.get(host: host, port: port, path: path, headers: headers)
        let (events, continuation) = AsyncThrowingStream<Event, any Error>.makeStream()
        let reader = Task {
            // Bytes until a blank line: a chunk may end inside a UTF-8 character.
            var pending: [UInt8] = []
            do {
                for try await chunk in response.body {
                    pending += chunk
                    while let end = pending.indices.dropLast().first(where: { pending[$0] == 0x0A && pending[$0 + 1] == 0x0A }) {
                        let block = String(decoding: pending[..<end], as: UTF8.self)
                        pending.removeSubrange(...(end + 1))
                        var fields: [String: String] = [:]
                        for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                            let value = parts.count > 1 ? String(parts[1].drop { $0 == " " }) : ""
                            fields[String(parts[0]), default: ""] += fields[String(parts[0])] == nil ? value : "\n" + value
                        }
                        if !fields.isEmpty { continuation.yield(Event(fields: fields)) }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return EventStreamClient(response: response, events: events, reader: reader)
    }

    /// The next event, or nil when the stream ended; throws `TimedOut` after `timeout`. A
    /// timeout ends the stream for good (cancelling a pending read terminates it), so a test
    /// never reads on after one.
    func next(timeout: Duration = .conditionDeadline) async throws -> Event? {
        let events = self.events
        return try await withThrowingTaskGroup(of: Event?.self) { group in
            group.addTask {
                var iterator = events.makeAsyncIterator()
                return try await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TimedOut(description: "the next server-sent event", timeout: timeout)
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Events until one satisfies `condition`; nil when the stream ended first.
    func next(where condition: (Event) -> Bool, timeout: Duration = .conditionDeadline) async throws -> Event? {
        while let event = try await next(timeout: timeout) {
            if condition(event) { return event }
        }
        return nil
    }

    func close() {
        reader.cancel()
        response.close()
    }
}
