import AsyncHTTPClient
import NIOCore

/// GET and POST requests to a server the binary started on 127.0.0.1, with an optional Bearer key.
struct HTTPClientForTests {
    let port: Int

    struct Response {
        let status: Int
        let body: String
    }

    func get(_ path: String, key: String?) async throws -> Response {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Response(status: Int(response.status.code), body: String(buffer: body))
    }

    func post(_ path: String, json: String, key: String?) async throws -> Response {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Response(status: Int(response.status.code), body: String(buffer: body))
    }
}
