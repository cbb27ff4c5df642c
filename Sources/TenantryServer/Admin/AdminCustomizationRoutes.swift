import FeatureFlags
import Foundation
import Hummingbird
import NIOCore
import Tenantry
import WasmCustomizations

/// The admin API's customizations, `/v1/admin/customizations…`: installing a WebAssembly module
/// and listing what deployments can name, as `tenantry customization install` and `list` do,
/// through the same `CustomizationDirectory` and `ListedCustomization`, signed `admin:<token>`.
///
/// A module is installed as its raw bytes (`Content-Type: application/wasm`, at most
/// `SandboxLimits.moduleByteLimit`); what the module library refuses is a problem naming it:
/// 422 `module-refused`, 409 `customization-conflict`.
struct AdminCustomizationRoutes: Sendable {
    let directory: CustomizationDirectory

    /// The media type a module is sent as.
    static let moduleMediaType = "application/wasm"

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("customizations", use: list)
        group.post("customizations", use: install)
        group.get("customizations/:id", use: versions)
        group.get("customizations/:id/versions/:version", use: version)
    }

    /// Other methods on these paths answer 405 before authentication.
    static func refuseOtherMethods(on group: some RouterMethods<TenantryRequestContext>) {
        group.refuseMethods(on: "customizations", except: [.get, .head, .post])
        group.refuseMethods(on: "customizations/:id", except: [.get, .head])
        group.refuseMethods(on: "customizations/:id/versions/:version", except: [.get, .head])
    }

    /// `GET /v1/admin/customizations`: the compiled-in customizations by id, then every
    /// installed module version by id and version.
    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let listed = try await ListedCustomization.all(in: directory)
        return .json(.object(["customizations": .array(listed.map(\.adminJSON))]))
    }

    /// `POST /v1/admin/customizations?reason=` with the module's bytes (`application/wasm`):
    /// 201 with the module and its `Location` when recorded, 200 when that version is
    /// installed already with the same bytes.
    @Sendable func install(_ request: Request, context: AdminRequestContext) async throws -> Response {
        // Checked before the body is read: a body of the wrong kind or size is never read
        // (RefusedBodyMiddleware drops it).
        guard request.declaredMediaType == Self.moduleMediaType else {
            throw ProblemDetails.unsupportedMediaType(request.headers[.contentType], expected: Self.moduleMediaType)
        }
        let reason = try AdminInput.reason(AdminInput.query("reason", of: request))
        let actor = try context.requireAdmin().actor
        let body: ByteBuffer
        do {
            body = try await request.readBody(upTo: SandboxLimits.moduleByteLimit)
        } catch is NIOTooManyBytesError {
            // The admin group's own limit (1 MiB) is not this route's.
            throw ProblemDetails.contentTooLarge(limit: SandboxLimits.moduleByteLimit)
        }
        let installation = try await directory.install(Array(body.readableBytesView), actor: actor, reason: reason)
        let listed = try await ListedCustomization.installed(installation.module, in: directory)
        guard installation.created else { return .json(listed.adminJSON) }
        return .json(listed.adminJSON, status: .created, headers: [.location: Self.location(of: installation.module.manifest)])
    }

    /// `GET /v1/admin/customizations/{id}`: the versions of `id` (the compiled-in one, or each
    /// installed version, lowest first); 404 when there is none.
    @Sendable func versions(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let id = AdminInput.parameter("id", of: context)
        let listed = try await ListedCustomization.versions(of: id, in: directory)
        guard !listed.isEmpty else { throw Self.notFound(id) }
        return .json(.object(["id": .string(id), "versions": .array(listed.map(\.adminJSON))]))
    }

    /// `GET /v1/admin/customizations/{id}/versions/{version}`: one version; 404 when there is
    /// no such version.
    @Sendable func version(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let id = AdminInput.parameter("id", of: context)
        let version = AdminInput.parameter("version", of: context)
        guard let listed = try await ListedCustomization.versions(of: id, in: directory).first(where: { $0.description.version == version }) else {
            throw Self.notFound("\(id)@\(version)")
        }
        return .json(listed.adminJSON)
    }

    /// Where an installed version is read: `/v1/admin/customizations/{id}/versions/{version}`
    /// (ids and versions need no escaping).
    static func location(of manifest: ModuleManifest) -> String {
        "/v1/admin/customizations/\(manifest.id)/versions/\(manifest.version)"
    }

    private static func notFound(_ reference: String) -> ProblemDetails {
        .notFound("no customization \(reference.prefix(90)) is compiled in or installed", resource: "customization")
    }
}
