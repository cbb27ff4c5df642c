import Foundation
import Hummingbird
import NIOCore
import Provisioning
import Tenantry

/// The admin API's reports: `GET /v1/admin/reports/funnel?since=` — the same `FunnelReport`
/// as `tenantry report funnel`, from the event store alone.
struct AdminReportRoutes: Sendable {
    let runtime: TenantryRuntime

    static func refuseOtherMethods(on group: some RouterMethods<TenantryRequestContext>) {
        group.refuseMethods(on: "reports/funnel", except: [.get, .head])
    }

    func register(on group: some RouterMethods<AdminRequestContext>) {
        group.get("reports/funnel", use: funnel)
    }

    /// 200 with the report (`since`: an ISO 8601 date or time, or an age such as `7d`).
    @Sendable func funnel(_ request: Request, context: AdminRequestContext) async throws -> Response {
        var since: Date?
        if let text = request.uri.queryParameters["since"] {
            guard let parsed = ReportSince(String(text)) else {
                throw ProblemDetails.invalidRequest(
                    "\"since\" must be an ISO 8601 date or time (2026-01-31, 2026-01-31T09:00:00Z) or an age (36h, 7d, 4w)",
                    field: "since"
                )
            }
            since = parsed.date()
        }
        let report = try await runtime.funnelReport(since: since)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let bytes = try encoder.encode(report)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
