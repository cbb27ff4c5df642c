import FeatureFlags
import Foundation
import Hummingbird
import PostgresClient
import Tenancy
import Tenantry

/// The admin API's cells, `/v1/admin/cells…`, and moving a tenant between them, `POST
/// /v1/admin/tenants/{slug}/move`: what `tenantry cell …` and `tenantry tenant move` do, through
/// the same `CellAdministration` and `TenantAdministration`, signed `admin:<token>`.
///
/// The server adds only a database that exists and is migrated (`migrating: false`): its login
/// should not create or migrate databases, so `tenantry cell add` makes a new one ready.
struct AdminCellRoutes: Sendable {
    let cells: CellAdministration
    let tenants: TenantAdministration

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("cells", use: list)
        group.post("cells", use: add)
        group.get("cells/:name", use: show)
        group.delete("cells/:name", use: remove)
        group.post("cells/:name/state", use: changeState)
        group.put("cells/:name/capacity", use: changeCapacity)
        group.post("tenants/:slug/move", use: move)
    }

    /// Other methods on these paths answer 405 before authentication.
    static func refuseOtherMethods(on group: some RouterMethods<TenantryRequestContext>) {
        group.refuseMethods(on: "cells", except: [.get, .head, .post])
        group.refuseMethods(on: "cells/:name", except: [.get, .head, .delete])
        group.refuseMethods(on: "cells/:name/state", except: [.post])
        group.refuseMethods(on: "cells/:name/capacity", except: [.put])
        group.refuseMethods(on: "tenants/:slug/move", except: [.post])
    }

    /// `GET /v1/admin/cells`: every cell, `main` included, by name.
    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        .json(.object(["cells": .array(try await cells.list().map(\.adminJSON))]))
    }

    /// `POST /v1/admin/cells` `{name, location, capacity?, state?, reason?}`: adds a database
    /// that exists and is migrated as a cell; 201 with the cell and its `Location`.
    @Sendable func add(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await AdminInput.strictBody(request, as: AdminCellRequests.Add.self, context: context, members: AdminCellRequests.Add.members)
        let name = try Self.parse("name") { () throws(CellError) in try CellName(body.name) }
        let location = try Self.parse("location") { () throws(CellError) in try CellLocation(body.location) }
        guard location != .controlPlane else {
            throw ProblemDetails.invalidRequest("the control plane's own database is cell main, which every deployment has", field: "location")
        }
        if let problem = CellAdministration.problem(with: location) {
            throw ProblemDetails.invalidRequest(problem, field: "location")
        }
        let capacity = try Self.capacity(body.capacity)
        let state = try body.state.map { try Self.state($0) } ?? .open
        let reason = try AdminInput.reason(body.reason)
        let actor = try context.requireAdmin().actor
        try await requireReachable(name, at: location)
        let cell = try await cells.add(name, location: location, capacity: capacity, state: state, migrating: false, actor: actor, reason: reason)
        return .json(cell.adminJSON, status: .created, headers: [.location: "/v1/admin/cells/\(cell.name)"])
    }

    /// `GET /v1/admin/cells/{name}`.
    @Sendable func show(_ request: Request, context: AdminRequestContext) async throws -> Response {
        .json(try await cells.registry.cell(try AdminInput.cellName(context)).adminJSON)
    }

    /// `POST /v1/admin/cells/{name}/state` `{state, reason?}`: opens, drains or closes it.
    @Sendable func changeState(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let name = try AdminInput.cellName(context)
        let body = try await AdminInput.strictBody(
            request, as: AdminCellRequests.StateChange.self, context: context, members: AdminCellRequests.StateChange.members)
        let state = try Self.state(body.state)
        let reason = try AdminInput.reason(body.reason)
        let cell = try await cells.registry.changeState(name, to: state, actor: try context.requireAdmin().actor, reason: reason)
        return .json(cell.adminJSON)
    }

    /// `PUT /v1/admin/cells/{name}/capacity` `{capacity, reason?}`: the most pooled tenants it
    /// takes, null for no limit (`capacity` must be given).
    @Sendable func changeCapacity(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let name = try AdminInput.cellName(context)
        let body = try await AdminInput.strictBody(
            request, as: AdminCellRequests.CapacityChange.self, context: context,
            members: AdminCellRequests.CapacityChange.members, required: ["capacity"])
        let capacity = try Self.capacity(body.capacity)
        let reason = try AdminInput.reason(body.reason)
        let cell = try await cells.registry.changeCapacity(name, to: capacity, actor: try context.requireAdmin().actor, reason: reason)
        return .json(cell.adminJSON)
    }

    /// `DELETE /v1/admin/cells/{name}` `{reason?}` (or no body): 204; 409 `cell-conflict` while
    /// it holds tenants, and for `main`.
    @Sendable func remove(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let name = try AdminInput.cellName(context)
        let body = try await AdminInput.strictBody(
            request, as: AdminCellRequests.Removal.self, context: context, members: AdminCellRequests.Removal.members, empty: .init())
        let reason = try AdminInput.reason(body.reason)
        try await cells.registry.remove(name, actor: try context.requireAdmin().actor, reason: reason)
        return Response(status: .noContent)
    }

    /// `POST /v1/admin/tenants/{slug}/move` `{toCell, reason, keepSource?}` (as `tenant move`):
    /// moves a pooled tenant to another cell while it keeps working, then answers with the
    /// tenant and the move. Purging the old copy needs the schema owner's login: when the
    /// server's may not act as it, the answer says so in `purgeDeferred` (the copy stays fenced
    /// until `tenantry tenant purge`), as offboarding does.
    @Sendable func move(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await AdminInput.strictBody(request, as: AdminCellRequests.Move.self, context: context, members: AdminCellRequests.Move.members)
        let target = try Self.parse("toCell") { () throws(CellError) in try CellName(body.toCell) }
        guard let reason = try AdminInput.reason(body.reason, required: true) else {
            throw ProblemDetails.invalidRequest("\"reason\" is missing: say why", field: "reason")
        }
        let slug = AdminInput.parameter("slug", of: context)
        let keeping = body.keepSource ?? false
        let outcome = try await tenants.move(slug, toCell: target, actor: try context.requireAdmin().actor, reason: reason, keepingSource: keeping)
        let tenant = try await tenants.tenant(slug)
        var answer = outcome.adminFields
        // The service words a kept copy for the CLI (--keep-source); say it in this API's terms.
        if keeping, case .failure = outcome.purge, let cell = tenant.unpurgedCellCopy {
            answer["purgeDeferred"] = .string("kept (keepSource): the copy in cell \(cell) stays fenced until tenantry tenant purge \(tenant.slug)")
        }
        answer["tenant"] = tenant.adminJSON
        return .json(.object(answer))
    }

    /// Refuses a location this server cannot reach with 409 `cell-unusable` before anything is
    /// recorded, so a database that is not there reads as what it is, not as the control plane
    /// being away (503). A database that did not answer within the connect timeout
    /// (`PGCONNECT_TIMEOUT`, as every other connection) is not refused for good: it may only be
    /// busy, so that is a 503 with `Retry-After`.
    private func requireReachable(_ name: CellName, at location: CellLocation) async throws {
        let administrator = try cells.connections.administrator(location)
        do {
            try await PostgresConnection.withConnection(administrator.acting(as: nil)) { connection in
                _ = try await connection.query("SELECT 1")
            }
        } catch let error as PostgresError where error.kind == .timedOut || error.message.contains("timeout expired") {
            throw ProblemDetails.databaseUnavailable("cell \(name)'s database at \(location) did not answer in time (\(error.message))")
        } catch let error as PostgresError where [.connectionFailed, .connectionLost, .connectionClosed].contains(error.kind) {
            throw ProblemDetails.cellUnusable(
                "cell \(name)'s database at \(location) cannot be reached from this server (\(error.message)); "
                    + "the admin API adds only a database that exists and is migrated: tenantry cell add creates and migrates one")
        }
    }

    /// A value `parse` reads from member `field`; its refusal is a 400 naming the field.
    private static func parse<Value>(_ field: String, _ parse: () throws(CellError) -> Value) throws -> Value {
        do {
            return try parse()
        } catch {
            throw ProblemDetails.invalidRequest(error.description, field: field)
        }
    }

    /// A cell state by name, from member `state`.
    private static func state(_ name: String) throws -> CellState {
        guard let state = CellState(rawValue: name) else {
            throw ProblemDetails.invalidRequest(
                "\"state\" must be one of \(CellState.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(name.prefix(40))\"", field: "state")
        }
        return state
    }

    /// A capacity from member `capacity`: 1 to 2³¹−1 (the column's range), or nil for no limit.
    private static func capacity(_ capacity: Int?) throws -> Int? {
        if let capacity, !(1...Int(Int32.max)).contains(capacity) {
            throw ProblemDetails.invalidRequest("\"capacity\" must be from 1 to \(Int32.max) tenants, or null for no limit", field: "capacity")
        }
        return capacity
    }
}
