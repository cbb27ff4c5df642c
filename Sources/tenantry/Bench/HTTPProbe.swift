import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request to see whether a server answers as expected yet (not for load: wrk does that).
enum HTTPProbe {
    /// POSTs JSON `body` with a bearer key; the status code, or nil when the server cannot be reached.
    static func post(_ url: URL, body: String, bearer: String) async throws -> Int? {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
        request.timeoutInterval = 5
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return nil
        }
    }
}
