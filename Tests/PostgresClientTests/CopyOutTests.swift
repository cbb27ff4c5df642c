import Foundation
import PostgresClient
import Synchronization
import TestSupport
import Testing

@Suite("COPY TO STDOUT")
struct CopyOutTests {
    // Endless results are cross joins of two small series: a set-returning function is
    // materialised whole before its first row, a join of two streams its rows at once.
    @Test("a large result streams row by row, escaped values read back intact")
    func largeResult() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.runScript("CREATE TABLE lines (n int, body text)")
                let awkward = "tab\there\nnewline \\ back\r\u{301}ünï 🎉"
                try await connection.copyIn("COPY lines (n, body) FROM STDIN", chunks: [
                    CopyTextRow.line(["1", awkward]), CopyTextRow.line(["2", nil]), CopyTextRow.line(["3", "\\N"]),
                ])
                let (copied, read) = try await readLines("COPY (SELECT n, body FROM lines ORDER BY n) TO STDOUT", on: connection)
                #expect(copied == 3)
                #expect(read == [["1", awkward], ["2", nil], ["3", "\\N"]])
                let (rows, count, sum) = try await sumSeries(on: connection)
                #expect(rows == 300_000 && count == 300_000)
                #expect(sum == 300_000 * 300_001 / 2)
                // The connection is ready for the next statement.
                #expect(try await connection.query("SELECT 1").rows.count == 1)
            }
        }
    }

    // The COPY below has ended on the server before its handler throws, so the cancel request
    // arrives when the connection has moved on: without waiting for its delivery, it cancelled
    // the next statement about one time in five.
    @Test("a cancel sent after a short COPY had ended never cancels the statement after it")
    func lateCancelSparesTheNextStatement() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                for round in 1...40 {
                    await #expect(throws: PostgresError.self) {
                        try await connection.copyOut("COPY (SELECT 1) TO STDOUT") { _ throws(PostgresError) in
                            throw .decoding("refused")
                        }
                    }
                    let answer = try await connection.query("SELECT \(round)::int, pg_sleep(0.002)").rows.first?.decode(Int.self)
                    #expect(answer == round)
                }
            }
        }
    }

    @Test("a row handler that throws cancels the COPY; its error comes back and the connection stays usable")
    func handlerErrorCancels() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                let (error, seen) = await stopAtTenthRow(on: connection)
                #expect(error?.message == "stop here")
                #expect(seen == 10)
                let two = try await connection.query("SELECT 2").rows.first?.decode(Int.self)
                #expect(two == 2)
            }
        }
    }

    @Test("cancelling the task cancels the COPY on the server; the call throws .cancelled and the connection stays usable")
    func cancellation() async throws {
        try await withTestDatabase { database async throws in
            let connection = try await PostgresConnection.connect(database.administratorConfiguration)
            let started = Atomic<Int>(0)
            let copy = Task {
                try await connection.copyOut("COPY (SELECT a.n FROM generate_series(1, 100000) a(n), generate_series(1, 100000) b(n)) TO STDOUT") { _ in
                    started.add(1, ordering: .relaxed)
                }
            }
            try await waitUntil("rows are arriving") { started.load(ordering: .relaxed) > 1000 }
            copy.cancel()
            connection.interruptWait()
            let outcome = await copy.result
            #expect(throws: PostgresError.self) { try outcome.get() }
            if case let .failure(error as PostgresError) = outcome {
                #expect(error.kind == .cancelled)
            }
            #expect(try await connection.query("SELECT 3").rows.first?.decode(Int.self) == 3)
            await connection.close()
        }
    }

    @Test("a connection lost mid-copy throws .connectionLost and is not used again")
    func lostConnection() async throws {
        try await withTestDatabase { database async throws in
            let connection = try await PostgresConnection.connect(database.administratorConfiguration)
            let backend = try await connection.backendProcessID()
            let started = Atomic<Int>(0)
            let copy = Task {
                try await connection.copyOut("COPY (SELECT a.n FROM generate_series(1, 100000) a(n), generate_series(1, 100000) b(n)) TO STDOUT") { _ in
                    started.add(1, ordering: .relaxed)
                }
            }
            try await waitUntil("rows are arriving") { started.load(ordering: .relaxed) > 10 }
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SELECT pg_terminate_backend(\(backend))")
            }
            let outcome = await copy.result
            if case let .failure(error as PostgresError) = outcome {
                #expect(error.kind == .connectionLost)
            } else {
                Issue.record("the COPY did not fail: \(outcome)")
            }
            #expect(await connection.isReusable() == false)
            await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            await connection.close()
        }
    }

    private func readLines(_ statement: String, on connection: isolated PostgresConnection) throws -> (Int, [[String?]]) {
        var read: [[String?]] = []
        let copied = try connection.copyOut(statement) { line in read.append(CopyTextFields.values(of: line)) }
        return (copied, read)
    }

    private func sumSeries(on connection: isolated PostgresConnection) throws -> (Int, Int, Int) {
        var count = 0
        var sum = 0
        let rows = try connection.copyOut(
            "COPY (SELECT n, repeat('x', n % 100) FROM generate_series(1, 300000) n) TO STDOUT"
        ) { line throws(PostgresError) in
            let values = CopyTextFields.values(of: line)
            guard let text = values[0], let n = Int(text), values[1]?.count == n % 100 else {
                throw .decoding("unexpected row \(values)")
            }
            count += 1
            sum += n
        }
        return (rows, count, sum)
    }

    private func stopAtTenthRow(on connection: isolated PostgresConnection) -> (PostgresError?, Int) {
        var seen = 0
        do {
            try connection.copyOut("COPY (SELECT a.n FROM generate_series(1, 10000) a(n), generate_series(1, 10000) b(n)) TO STDOUT") { _ throws(PostgresError) in
                seen += 1
                if seen == 10 { throw .decoding("stop here") }
            }
            return (nil, seen)
        } catch {
            return (error, seen)
        }
    }
}
