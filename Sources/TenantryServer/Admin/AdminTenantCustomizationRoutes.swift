import Extensions
import FeatureFlags
import Foundation
import Hummingbird
import Tenantry

/// `/v1/admin/tenants/{slug}/customization`: the WebAssembly module that validates a pooled
/// tenant's changes (as `tenantry tenant customize`): read, assigned with `PUT`, removed with
/// `DELETE`.
struct AdminTenantCustomizationRoutes: Sendable {
    let administration: TenantAdministration
    let flags: FlagService

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("tenants/:slug/customization", use: show)
        group.put("tenants/:slug/customization", use: assign)
        group.delete("tenants/:slug/customization", use: remove)
    }

    /// 405 for the other methods (before authentication, as elsewhere).
    static func refuseOtherMethods(on group: some RouterMethods<TenantryRequestContext>) {
        group.refuseMethods(on: "tenants/:slug/customization", except: [.get, .head, .put, .delete])
    }

    /// The body of `PUT`.
    struct Assignment: Decodable {
        var customization: String
        var settings: [String: String]?
        var reason: String?

        static let members: Set<String> = ["customization", "settings", "reason"]
    }

    /// `GET`: the tenant's assignment, or 404 when it has none.
    @Sendable func show(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let tenant = try await administration.tenant(AdminInput.parameter("slug", of: context))
        guard let assignment = try await administration.customizations.assignment(of: tenant.id) else {
            throw ProblemDetails.notFound("tenant \(tenant.slug) has no customization", resource: "customization")
        }
        return .json(Self.json(assignment, slug: tenant.slug))
    }

    /// `PUT` `{customization, settings?, reason?}`: assigns `ID` (its highest installed version)
    /// or `ID@VERSION`; 400 naming `customization` or `settings` when they do not fit, 409 for a
    /// tenant that is not an active pooled one, 422 for a module that may not run pooled.
    @Sendable func assign(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await AdminInput.strictBody(request, as: Assignment.self, context: context, members: Assignment.members)
        let reason = try AdminInput.reason(body.reason)
        let tenant = try await administration.tenant(AdminInput.parameter("slug", of: context))
        do {
            let assignment = try await administration.customizations.assign(
                body.customization, settings: body.settings ?? [:], to: tenant, flags: flags, actor: try context.requireAdmin().actor, reason: reason)
            return .json(Self.json(assignment, slug: tenant.slug))
        } catch let error as UnknownCustomization {
            throw ProblemDetails.invalidRequest(error.description, field: "customization")
        } catch let error as SettingError {
            throw ProblemDetails.invalidRequest(error.description, field: "settings")
        } catch let error as PooledCustomizationError {
            switch error {
            case .notPooled: throw ProblemDetails.status(.conflict, detail: error.description)
            case .notPoolable: throw ProblemDetails.status(.unprocessableContent, detail: error.description)
            }
        }
    }

    /// `DELETE` `{reason?}`: 204, or 404 when the tenant has no customization.
    @Sendable func remove(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await AdminInput.strictBody(request, as: Removal.self, context: context, members: ["reason"], empty: Removal(reason: nil))
        let reason = try AdminInput.reason(body.reason)
        let tenant = try await administration.tenant(AdminInput.parameter("slug", of: context))
        guard try await administration.customizations.remove(from: tenant.id, actor: try context.requireAdmin().actor, reason: reason) else {
            throw ProblemDetails.notFound("tenant \(tenant.slug) has no customization", resource: "customization")
        }
        return Response(status: .noContent)
    }

    struct Removal: Decodable {
        var reason: String?
    }

    static func json(_ assignment: PooledCustomizations.Assignment, slug: String) -> JSONValue {
        .object([
            "tenant": .string(slug),
            "customization": .string(assignment.customization.rawValue),
            "version": .string(assignment.version),
            "module": .string(assignment.module),
            "settings": .object(assignment.settings.mapValues { .string($0) }),
            "assignedAt": .string(assignment.assignedAt.formatted(.iso8601)),
            "assignedBy": assignment.actor.map { .string($0) } ?? .null,
        ])
    }
}
