import Foundation
import NIOHTTP1
import PostgresClient
import TestSupport
import Testing

@Suite("Admin API: cells and moves between them", .serialized)
struct AdminCellRoutesTests {
    /// Cell additions the API refuses with 400, and the member each refusal names.
    static let badAdditions: [(body: String, field: String)] = [
        (#"{"location":"database:x"}"#, "name"),
        (#"{"name":"Bad Name","location":"database:x"}"#, "name"),
        (#"{"name":7,"location":"database:x"}"#, "name"),
        (#"{"name":"c"}"#, "location"),
        (#"{"name":"c","location":"postgresql://db.example/x"}"#, "location"),
        (#"{"name":"c","location":"control-plane"}"#, "location"),
        (#"{"name":"c","location":"env:DATABASE_URL"}"#, "location"),
        (#"{"name":"c","location":"database:x","capacity":0}"#, "capacity"),
        (#"{"name":"c","location":"database:x","capacity":3000000000}"#, "capacity"),
        (#"{"name":"c","location":"database:x","state":"asleep"}"#, "state"),
        (#"{"name":"c","location":"database:x","reason":""}"#, "reason"),
        (#"{"name":"c","location":"database:x","url":"postgresql://db.example/x"}"#, "url"),
    ]

    @Test("POST /v1/admin/cells adds a migrated database: 201 with Location; listed, shown, changed, and removed with 204; refusals are problems naming the field")
    func cellsOverHTTP() async throws {
        try await withTestDatabase { second async throws in
            try await withAdminServer(tenants: []) { server async throws in
                let location = "database:\(second.name)"
                let added = try await server.call(.POST, "/v1/admin/cells", #"{"name":"b","location":"\#(location)","capacity":5,"reason":"a second cluster"}"#)
                let cell = server.expect(201, added)
                #expect(added.response.header("Location") == "/v1/admin/cells/b")
                #expect(cell["name"] as? String == "b" && cell["location"] as? String == location && cell["state"] as? String == "open")
                #expect(cell["capacity"] as? Int == 5 && cell["tenants"] as? Int == 0 && cell["addedAt"] is String)
                #expect(try await server.lastActor(of: "cell-b") == "admin:tests")

                let listed = server.expect(200, try await server.call(.GET, "/v1/admin/cells"))
                let cells = try #require(listed["cells"] as? [[String: Any]])
                #expect(cells.map { $0["name"] as? String } == ["b", "main"])
                #expect(cells.last?["location"] as? String == "control-plane")
                #expect(server.expect(200, try await server.call(.GET, "/v1/admin/cells/b"))["location"] as? String == location)
                for missing in ["nowhere", "Not%20A%20Name"] {
                    let answer = try await server.call(.GET, "/v1/admin/cells/\(missing)")
                    server.expect(404, answer)
                    #expect(answer.problemType == "not-found" && answer.json["resource"] as? String == "cell", "\(answer.text)")
                }

                for (body, field) in Self.badAdditions {
                    let answer = try await server.call(.POST, "/v1/admin/cells", body)
                    server.expect(400, answer)
                    #expect(answer.problemType == "invalid-request" && answer.field == field, "\(body): \(answer.text)")
                }
                // Taken, the control plane's own, not there, not migrated, not configured: 409, and nothing recorded.
                let conflicts: [(body: String, type: String, saying: String)] = [
                    (#"{"name":"b","location":"database:other_place"}"#, "cell-unusable", "cannot be reached"),
                    (#"{"name":"c","location":"\#(location)"}"#, "cell-conflict", "is cell b already"),
                    (#"{"name":"c","location":"database:no_such_database"}"#, "cell-unusable", "tenantry cell add creates and migrates one"),
                    (#"{"name":"c","location":"env:TENANTRY_CELL_UNSET_URL"}"#, "cell-unusable", "TENANTRY_CELL_UNSET_URL is not set"),
                ]
                for conflict in conflicts {
                    let answer = try await server.call(.POST, "/v1/admin/cells", conflict.body)
                    server.expect(409, answer)
                    #expect(answer.problemType == conflict.type, "\(conflict.body): \(answer.text)")
                    #expect((answer.json["detail"] as? String)?.contains(conflict.saying) == true, "\(conflict.body): \(answer.text)")
                }
                // The cluster's own database, the template and dedicated tenants' databases are never cells.
                for reserved in ["postgres", "tenantry_template", "tenantry_t_acme"] {
                    let answer = try await server.call(.POST, "/v1/admin/cells", #"{"name":"c","location":"database:\#(reserved)"}"#)
                    server.expect(400, answer)
                    #expect((answer.json["detail"] as? String)?.contains("never a cell") == true, "\(reserved): \(answer.text)")
                }
                let ownName = try #require(try await server.runtime.operatorEventStore.pool.query("SELECT current_database()").rows.first?.decode(String.self))
                let controlPlane = try await server.call(.POST, "/v1/admin/cells", #"{"name":"c","location":"database:\#(ownName)"}"#)
                server.expect(409, controlPlane)
                #expect(controlPlane.problemType == "cell-conflict", "\(controlPlane.text)")
                #expect(((server.expect(200, try await server.call(.GET, "/v1/admin/cells"))["cells"] as? [Any]) ?? []).count == 2)

                // State and capacity.
                let drained = server.expect(200, try await server.call(.POST, "/v1/admin/cells/b/state", #"{"state":"draining","reason":"maintenance"}"#))
                #expect(drained["state"] as? String == "draining")
                let unlimited = server.expect(200, try await server.call(.PUT, "/v1/admin/cells/b/capacity", #"{"capacity":null}"#))
                #expect(unlimited["capacity"] is NSNull)
                let changes: [(method: HTTPMethod, path: String, body: String, field: String)] = [
                    (.POST, "/v1/admin/cells/b/state", #"{"state":"asleep"}"#, "state"),
                    (.POST, "/v1/admin/cells/b/state", #"{}"#, "state"),
                    (.POST, "/v1/admin/cells/b/state", #"{"state":"open","why":"x"}"#, "why"),
                    (.PUT, "/v1/admin/cells/b/capacity", #"{}"#, "capacity"),
                    (.PUT, "/v1/admin/cells/b/capacity", #"{"capacity":0}"#, "capacity"),
                    (.PUT, "/v1/admin/cells/b/capacity", #"{"capacity":"ten"}"#, "capacity"),
                    (.DELETE, "/v1/admin/cells/b", #"{"reason":"gone","force":true}"#, "force"),
                ]
                for change in changes {
                    let answer = try await server.call(change.method, change.path, change.body)
                    server.expect(400, answer)
                    #expect(answer.field == change.field, "\(change.path) \(change.body): \(answer.text)")
                }
                server.expect(404, try await server.call(.POST, "/v1/admin/cells/nowhere/state", #"{"state":"open"}"#))
                server.expect(404, try await server.call(.PUT, "/v1/admin/cells/nowhere/capacity", #"{"capacity":3}"#))
                server.expect(404, try await server.call(.DELETE, "/v1/admin/cells/nowhere"))
                server.expect(405, try await server.call(.GET, "/v1/admin/cells/b/state"))
                server.expect(405, try await server.call(.PATCH, "/v1/admin/cells/b"))

                let main = try await server.call(.DELETE, "/v1/admin/cells/main")
                server.expect(409, main)
                #expect(main.problemType == "cell-conflict")
                let removed = try await server.call(.DELETE, "/v1/admin/cells/b", #"{"reason":"not needed"}"#)
                #expect(removed.status == 204, "\(removed.text)")
                server.expect(404, try await server.call(.GET, "/v1/admin/cells/b"))
                #expect(try await server.lastActor(of: "cell-b") == "admin:tests")
            }
        }
    }

    @Test("a tenant created in a named cell moves out and back over HTTP; a cell holding it is not removed; move refusals are problems")
    func moveOverHTTP() async throws {
        try await withTestDatabase { second async throws in
            try await withAdminServer(tenants: []) { server async throws in
                server.expect(201, try await server.call(.POST, "/v1/admin/cells", #"{"name":"b","location":"database:\#(second.name)","state":"closed"}"#))
                let unknown = try await server.call(.POST, "/v1/admin/tenants", #"{"organization":"Lost Co","email":"ops@lost.example","cell":"nowhere"}"#)
                server.expect(404, unknown)
                #expect(unknown.json["resource"] as? String == "cell")
                let created = server.expect(201, try await server.call(
                    .POST, "/v1/admin/tenants", #"{"organization":"Cell Co","email":"ops@cell.example","cell":"b"}"#))
                let tenant = try #require(created["tenant"] as? [String: Any])
                #expect(tenant["cell"] as? String == "b" && tenant["unpurgedCellCopy"] is NSNull)
                let slug = try #require(tenant["slug"] as? String)

                let holding = try await server.call(.DELETE, "/v1/admin/cells/b")
                server.expect(409, holding)
                #expect(holding.problemType == "cell-conflict" && (holding.json["detail"] as? String)?.contains("holds 1 tenant") == true, "\(holding.text)")

                let refusals: [(path: String, body: String, status: Int, field: String?)] = [
                    ("/v1/admin/tenants/\(slug)/move", #"{"toCell":"main"}"#, 400, "reason"),
                    ("/v1/admin/tenants/\(slug)/move", #"{"toCell":"Main","reason":"r"}"#, 400, "toCell"),
                    ("/v1/admin/tenants/\(slug)/move", #"{"toCell":"main","reason":"r","keepSource":"yes"}"#, 400, "keepSource"),
                    ("/v1/admin/tenants/\(slug)/move", #"{"toCell":"main","reason":"r","force":true}"#, 400, "force"),
                    ("/v1/admin/tenants/\(slug)/move", #"{"toCell":"nowhere","reason":"r"}"#, 404, nil),
                    ("/v1/admin/tenants/nobody/move", #"{"toCell":"main","reason":"r"}"#, 404, nil),
                ]
                for refusal in refusals {
                    let answer = try await server.call(.POST, refusal.path, refusal.body)
                    server.expect(refusal.status, answer)
                    #expect(answer.field == refusal.field, "\(refusal.body): \(answer.text)")
                }

                // Out to main, the old copy purged; then into b again keeping main's copy.
                let out = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/move", #"{"toCell":"main","reason":"rebalancing"}"#))
                #expect(out["from"] as? String == "b" && out["to"] as? String == "main" && out["moved"] as? Bool == true, "\(out)")
                #expect(out["rounds"] as? Int ?? 0 >= 1 && out["fencedMilliseconds"] is Int && out["copiedEvents"] is Int)
                #expect((out["purged"] as? [String: Any])?["cell"] as? String == "b" && out["purgeDeferred"] == nil, "\(out)")
                #expect((out["tenant"] as? [String: Any])?["cell"] as? String == "main")
                let moves = try await server.runtime.tenants.history(of: slug).filter { $0.type == "TenantMovedBetweenCells" }
                #expect(moves.count == 1 && moves.first?.metadata.actor == "admin:tests" && moves.first?.metadata.reason == "rebalancing")

                server.expect(200, try await server.call(.POST, "/v1/admin/cells/b/state", #"{"state":"draining"}"#))
                let draining = try await server.call(.POST, "/v1/admin/tenants/\(slug)/move", #"{"toCell":"b","reason":"back"}"#)
                server.expect(409, draining)
                #expect(draining.problemType == "cell-conflict" && (draining.json["detail"] as? String)?.contains("draining") == true, "\(draining.text)")
                let refused = try await server.call(.POST, "/v1/admin/tenants", #"{"organization":"Late Co","email":"ops@late.example","cell":"b"}"#)
                server.expect(409, refused)
                #expect(refused.problemType == "cell-conflict")

                server.expect(200, try await server.call(.POST, "/v1/admin/cells/b/state", #"{"state":"open"}"#))
                let back = server.expect(200, try await server.call(
                    .POST, "/v1/admin/tenants/\(slug)/move", #"{"toCell":"b","reason":"back","keepSource":true}"#))
                #expect(back["purged"] == nil && (back["purgeDeferred"] as? String)?.hasPrefix("kept (keepSource): the copy in cell main") == true, "\(back)")
                let kept = try #require(back["tenant"] as? [String: Any])
                #expect(kept["cell"] as? String == "b" && kept["unpurgedCellCopy"] as? String == "main")

                // Moving to where it is finishes the pending purge only.
                let again = server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/move", #"{"toCell":"b","reason":"finish"}"#))
                #expect(again["moved"] as? Bool == false && again["copiedEvents"] as? Int == 0, "\(again)")
                #expect(again["purged"] is [String: Any] && (again["tenant"] as? [String: Any])?["unpurgedCellCopy"] is NSNull, "\(again)")
            }
        }
    }
}
