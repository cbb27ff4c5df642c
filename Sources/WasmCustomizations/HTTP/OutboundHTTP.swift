import Extensions
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// `tenantry.http`: requests a module asks for, performed by the host under rules the module
/// cannot bend. Only https (plain http to a loopback address only where the host allows it, for
/// tests), only to hosts on the operator's allow-list (any other host traps the call and
/// nothing is sent), no redirects, an answer of at most 1 MiB, and the call's own deadline.
/// The caller's thread waits (a module's call is synchronous), so calls of a module that
/// imports `http` run on threads of their own, never the cooperative pool's.
public final class OutboundHTTP: Sendable {
    static let requestByteLimit = 256 * 1024
    /// Headers only the host sets.
    static let hostOwnedHeaders: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "upgrade"]
    static let answerByteLimit = 1024 * 1024

    /// Why a request got no answer, as the negative result the module reads.
    enum Failure: Int32 {
        case badRequest = -1
        case timedOut = -2
        case unreachable = -3
        case tooLarge = -4
    }

    enum Outcome {
        case answer([UInt8])
        case failed(Failure)
    }

    /// Host names, and `*.name` for any subdomain of name.
    let allowed: [String]
    let allowsPlainLoopback: Bool
    private let session: URLSession
    private let exchanges: BlockingExchanges

    /// A client for `allowedDomains` (the setting's comma-separated value). Plain http to a
    /// loopback address only with `allowsPlainLoopback`.
    public init(allowedDomains: String, allowsPlainLoopback: Bool = false) {
        allowed = allowedDomains.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        self.allowsPlainLoopback = allowsPlainLoopback
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        exchanges = BlockingExchanges()
        session = URLSession(configuration: configuration, delegate: exchanges, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Whether `host` is on the allow-list.
    func allows(_ host: String) -> Bool {
        let host = host.lowercased()
        return allowed.contains { pattern in
            pattern.hasPrefix("*.") ? host.hasSuffix(pattern.dropFirst(1)) && host.count > pattern.count - 1 : host == pattern
        }
    }

    /// Performs the request the module wrote (`{"method","url","headers","body"}`) and returns
    /// the answer it reads (`{"status","headers","body"}`), or why there is none. Traps for a
    /// host not allow-listed or a scheme not allowed: the module asked for what it may not have.
    func perform(_ requestJSON: [UInt8], until deadline: ContinuousClock.Instant) throws(HookTrap) -> Outcome {
        guard let asked = try? JSONDecoder().decode(Request.self, from: Data(requestJSON)),
            let url = URL(string: asked.url), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { return .failed(.badRequest) }
        guard allows(host) else {
            throw HookTrap(reason: "http-not-allowed", detail: "it asked to reach \(host.prefix(100)), which is not in its \(ModuleManifest.allowedDomainsSetting)")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        let testReceiver = allowsPlainLoopback && loopback
        guard scheme == "https" || (scheme == "http" && testReceiver) else {
            throw HookTrap(reason: "http-not-allowed", detail: "it asked for \(scheme.prefix(10))://; only https is allowed")
        }
        guard url.port == nil || url.port == 443 || testReceiver else {
            throw HookTrap(reason: "http-not-allowed", detail: "it asked for port \(url.port ?? 0) of \(host.prefix(100)); only 443")
        }
        let method = (asked.method ?? "GET").uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].contains(method) else { return .failed(.badRequest) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        // The host decides where the request goes and how it is framed: a module's Host,
        // Content-Length or Transfer-Encoding would aim it elsewhere on the allowed server.
        for (name, value) in asked.headers ?? [:] where !name.isEmpty && !Self.hostOwnedHeaders.contains(name.lowercased()) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        request.httpBody = asked.body.map { Data($0.utf8) }
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return .failed(.timedOut) }
        // URLSession on Linux keeps whole seconds of this (an idle timeout, which 0 would end at
        // once); the deadline that holds is the wait below.
        request.timeoutInterval = Double(remaining.components.seconds + 1)

        let task = session.dataTask(with: request)
        let exchange = exchanges.begin(task.taskIdentifier)
        task.resume()
        let finished = exchange.done.wait(timeout: .now() + .nanoseconds(Int(min(remaining / .nanoseconds(1), Double(Int.max / 2)))))
        task.cancel()
        guard finished == .success else {
            exchanges.abandon(task.taskIdentifier)
            return .failed(.timedOut)
        }
        let result = exchanges.end(task.taskIdentifier)
        switch result {
        case .tooLarge: return .failed(.tooLarge)
        case .failed(let timedOut): return .failed(timedOut ? .timedOut : .unreachable)
        case .answered(let status, let headers, let body):
            let answer = Answer(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
            guard let encoded = try? JSONEncoder().encode(answer) else { return .failed(.badRequest) }
            return .answer(Array(encoded))
        case nil: return .failed(.unreachable)
        }
    }

    struct Request: Decodable {
        let method: String?
        let url: String
        let headers: [String: String]?
        let body: String?
    }

    struct Answer: Encodable {
        let status: Int
        let headers: [String: String]
        let body: String
    }
}

/// The exchanges in flight, keyed by task: the delegate collects each answer (refusing a
/// redirect, dropping one past the limit) and signals the thread waiting for it.
private final class BlockingExchanges: NSObject, URLSessionDataDelegate, Sendable {
    enum Result {
        case answered(status: Int, headers: [String: String], body: Data)
        case tooLarge
        case failed(timedOut: Bool)
    }

    final class Exchange: Sendable {
        let done = DispatchSemaphore(value: 0)
    }

    private struct State {
        var exchanges: [Int: Exchange] = [:]
        var bodies: [Int: Data] = [:]
        var results: [Int: Result] = [:]
        /// Tasks no one waits for any more (timed out): their late callbacks keep nothing.
        var abandoned: Set<Int> = []
    }

    private let state = Mutex(State())

    func begin(_ task: Int) -> Exchange {
        let exchange = Exchange()
        state.withLock { $0.exchanges[task] = exchange }
        return exchange
    }

    /// Forgets a task no one waits for; what it still delivers is dropped.
    func abandon(_ task: Int) {
        state.withLock { state in
            state.exchanges[task] = nil
            state.bodies[task] = nil
            state.results[task] = nil
            state.abandoned.insert(task)
        }
    }

    @discardableResult
    func end(_ task: Int) -> Result? {
        state.withLock { state in
            state.exchanges[task] = nil
            state.bodies[task] = nil
            return state.results.removeValue(forKey: task)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overflow = state.withLock { state -> Bool in
            guard !state.abandoned.contains(dataTask.taskIdentifier) else { return false }
            var body = state.bodies[dataTask.taskIdentifier] ?? Data()
            body.append(data)
            guard body.count <= OutboundHTTP.answerByteLimit else {
                state.results[dataTask.taskIdentifier] = .tooLarge
                return true
            }
            state.bodies[dataTask.taskIdentifier] = body
            return false
        }
        if overflow { dataTask.cancel() }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let exchange = state.withLock { state -> Exchange? in
            let id = task.taskIdentifier
            // Its last callback: an abandoned task is forgotten for good.
            guard state.abandoned.remove(id) == nil else { return nil }
            if state.results[id] == nil {
                if let error {
                    state.results[id] = .failed(timedOut: (error as? URLError)?.code == .timedOut)
                } else if let response = task.response as? HTTPURLResponse {
                    var headers: [String: String] = [:]
                    for (name, value) in response.allHeaderFields {
                        headers["\(name)".lowercased()] = "\(value)"
                    }
                    state.results[id] = .answered(status: response.statusCode, headers: headers, body: state.bodies[id] ?? Data())
                } else {
                    state.results[id] = .failed(timedOut: false)
                }
            }
            return state.exchanges[id]
        }
        exchange?.done.signal()
    }
}
