import Foundation
import NIOCore
import NIOPosix

/// A client that behaves like Python's `urllib`: it writes the whole request (head and body)
/// before it reads anything, then reads until the server closes the connection. Against a
/// server that stops reading once it has answered, the write never completes; against one that
/// keeps the connection open, the read never ends: both are reported when the deadline passes.
struct WholeBodyClient: Sendable {
    let host: String
    let port: Int

    struct Outcome: Sendable {
        /// Everything the server sent, up to its close.
        let received: [UInt8]
        var text: String { String(decoding: received, as: UTF8.self) }

        /// The status code of the first response.
        var status: Int? {
            guard let line = text.split(separator: "\r\n").first else { return nil }
            let parts = line.split(separator: " ")
            return parts.count >= 2 ? Int(parts[1]) : nil
        }

        /// A header of the first response (case-insensitive name).
        func header(_ name: String) -> String? {
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case writeNeverCompleted(String)
        case neverClosed(received: String)

        var description: String {
            switch self {
            case .writeNeverCompleted(let why): "the request could not be written whole: \(why)"
            case .neverClosed(let received): "the server did not close the connection in time; it sent: \(received.prefix(300))"
            }
        }
    }

    /// How far `send` reads.
    enum Until: Sendable {
        /// Until the server closes the connection.
        case closed
        /// Until the first response's head and `Content-Length` bytes of body are in.
        case response
    }

    /// Sends `head` (lines without the final blank line) and `body`, then reads until the server
    /// closes (or, with `.response`, until the response is in); each phase has `deadline`:
    /// long enough for 10 MB through a loopback at a load of 15 and more (a fresh-clone run at
    /// load 15 took over 20 s with the other cases writing theirs), short enough that a server
    /// that never reads, answers or closes fails the test.
    func send(head: [String], body: [UInt8], until: Until = .closed, deadline: TimeAmount = .seconds(90)) async throws -> Outcome {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let collector = Collector(eventLoop.makePromise(of: Outcome.self), until: until)
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: host, port: port).get()
        defer { channel.close(promise: nil) }

        var request = channel.allocator.buffer(string: (head + ["", ""]).joined(separator: "\r\n"))
        request.writeBytes(body)
        let written = channel.eventLoop.makePromise(of: Void.self)
        let writeDeadline = channel.eventLoop.scheduleTask(in: deadline) {
            written.fail(Failure.writeNeverCompleted("not done after \(deadline)"))
        }
        channel.writeAndFlush(request).cascade(to: written)
        do {
            try await written.futureResult.get()
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure.writeNeverCompleted("\(error)")
        }
        writeDeadline.cancel()

        let readDeadline = channel.eventLoop.scheduleTask(in: deadline) { collector.timeOut() }
        defer { readDeadline.cancel() }
        return try await collector.promise.futureResult.get()
    }

    /// Collects what the server sends until the connection closes (all on the event loop).
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Outcome>
        private var received: [UInt8] = []
        private var done = false
        let until: Until

        init(_ promise: EventLoopPromise<Outcome>, until: Until) {
            self.promise = promise
            self.until = until
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.append(contentsOf: unwrapInboundIn(data).readableBytesView)
            guard case .response = until, !done else { return }
            let outcome = Outcome(received: received)
            let text = outcome.text
            guard let end = text.range(of: "\r\n\r\n") else { return }
            let length = outcome.header("Content-Length").flatMap { Int($0) } ?? 0
            guard text.utf8.distance(from: end.upperBound.samePosition(in: text.utf8) ?? text.utf8.endIndex, to: text.utf8.endIndex) >= length else { return }
            done = true
            promise.succeed(outcome)
        }

        func channelInactive(context: ChannelHandlerContext) {
            guard !done else { return }
            done = true
            promise.succeed(Outcome(received: received))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        /// When the read deadline passes.
        func timeOut() {
            guard !done else { return }
            done = true
            promise.fail(Failure.neverClosed(received: String(decoding: received, as: UTF8.self)))
        }
    }
}
