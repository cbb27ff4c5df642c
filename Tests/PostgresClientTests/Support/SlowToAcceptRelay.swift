import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A relay in front of the test cluster's Unix socket that passes connections straight through
/// until `holdNewConnections()`, then holds every later one unanswered until
/// `admitHeldConnections()`: a server that is slow to take new connections, as a machine at a
/// load of 15 makes it. A cancel request is a connection of its own, so it is one of those held.
///
/// Every descriptor is made close-on-exec (tests spawn children in parallel) and closed by the
/// one thread that owns it, under the lock `close()` shuts sockets down under, so no number is
/// ever closed twice or shut down after another test reused it (tests share the process).
final class SlowToAcceptRelay: Sendable {
    /// The folder holding the relay's socket: use it as the `host` of a connection string.
    let directory: String
    private let target: String
    private let listener: Int32
    /// Whether the accepting thread has closed the listener (then `close()` leaves it alone).
    private let listenerClosed = Mutex(false)
    private let gate = ThreadGate()
    /// Whether a connection arriving now is held (from `holdNewConnections()` on).
    private let holding = Atomic<Bool>(false)
    /// Sockets open on either side, to shut down at `close()`.
    private let openSockets = Mutex<Set<Int32>>([])
    /// How many connections arrived once holding began, held or admitted.
    private let laterConnections = Atomic<Int>(0)

    /// Listens in a new folder under /tmp (a socket path must stay under 108 bytes) for the
    /// cluster whose socket is `clusterDirectory/.s.PGSQL.port`.
    init(clusterDirectory: String, port: String) throws {
        var template = Array("/tmp/tq-relay-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RelayError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        let directory = String(cString: made)
        self.directory = directory
        target = clusterDirectory + "/.s.PGSQL." + port
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: directory)
            throw RelayError("socket failed: \(reason)")
        }
        let path = directory + "/.s.PGSQL." + port
        guard Self.withAddress(path, { bind(listener, $0, $1) }) == 0, Glibc.listen(listener, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(listener)
            try? FileManager.default.removeItem(atPath: directory)
            throw RelayError("cannot listen on \(path): \(reason)")
        }
        Thread.detachNewThread { [self] in acceptConnections() }
    }

    /// How many connections came once holding began (each held until admitted).
    var heldOrAdmittedCount: Int { laterConnections.load(ordering: .acquiring) }

    /// Holds every connection that arrives from now on, until `admitHeldConnections()`.
    func holdNewConnections() {
        holding.store(true, ordering: .releasing)
    }

    /// Lets every held connection, and every later one, through to the cluster.
    func admitHeldConnections() {
        gate.open()
    }

    /// Stops listening, ends every relayed connection and removes the folder.
    func close() {
        gate.open()
        listenerClosed.withLock { closed in
            if !closed { _ = shutdown(listener, Int32(SHUT_RDWR)) }
        }
        openSockets.withLock { sockets in sockets.forEach { _ = shutdown($0, Int32(SHUT_RDWR)) } }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func acceptConnections() {
        while true {
            let client = acceptClosingOnExec(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
            if client < 0 {
                // Shut down by `close()` (EINVAL), or gone: stop. A connection aborted while it
                // waited, or a signal: go on.
                if errno == EINTR || errno == ECONNABORTED { continue }
                break
            }
            let held = holding.load(ordering: .acquiring)
            if held { laterConnections.add(1, ordering: .releasing) }
            track(client)
            Thread.detachNewThread { [self] in relay(client, held: held) }
        }
        listenerClosed.withLock { closed in
            closed = true
            Glibc.close(listener)
        }
    }

    /// Owns `client` (and the server socket it opens) until both directions have ended.
    private func relay(_ client: Int32, held: Bool) {
        if held { gate.waitUntilOpen() }
        let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if server >= 0, Self.withAddress(target, { connect(server, $0, $1) }) == 0 {
            track(server)
            let upstreamDone = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                Self.pump(from: client, to: server)
                upstreamDone.signal()
            }
            Self.pump(from: server, to: client)
            upstreamDone.wait()
            untrackAndClose(server)
        } else if server >= 0 {
            Glibc.close(server)
        }
        untrackAndClose(client)
    }

    private func track(_ socket: Int32) {
        _ = openSockets.withLock { $0.insert(socket) }
    }

    /// Closed under the lock, so that `close()` never shuts down a number already reused.
    private func untrackAndClose(_ socket: Int32) {
        openSockets.withLock { sockets in
            sockets.remove(socket)
            Glibc.close(socket)
        }
    }

    /// Copies bytes until either side ends, then ends the other side's direction too.
    private static func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { break copying }
                sent += written
            }
        }
        shutdown(destination, Int32(SHUT_WR))
        shutdown(source, Int32(SHUT_RD))
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return -1 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

/// `accept4(2)`, which Glibc's Swift module does not export: it sets close-on-exec atomically,
/// where `accept` then `fcntl` leaves a moment in which a child spawned by another test would
/// inherit the socket. The C declaration is `int accept4(int, struct sockaddr *, socklen_t *, int)`.
@_silgen_name("accept4")
private func acceptClosingOnExec(
    _ socket: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: UnsafeMutablePointer<socklen_t>?, _ flags: Int32
) -> Int32

/// A gate threads wait at until it opens, once and for good.
private final class ThreadGate: Sendable {
    private let isOpen = Mutex(false)
    private let condition = NSCondition()

    func open() {
        condition.lock()
        isOpen.withLock { $0 = true }
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilOpen() {
        condition.lock()
        while !isOpen.withLock({ $0 }) { condition.wait() }
        condition.unlock()
    }
}

struct RelayError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
