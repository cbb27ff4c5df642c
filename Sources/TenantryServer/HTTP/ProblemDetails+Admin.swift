import Extensions
import FeatureFlags
import Foundation
import Hummingbird
import Provisioning
import Tenancy
import Tenantry
import WasmCustomizations

/// The problem types of the admin API (`/v1/admin`), beside the shared ones in
/// `ProblemDetails+Catalog.swift`, and how the services' refusals map to them.
extension ProblemDetails {
    /// 403: a tenant's API key was sent where an admin token is needed.
    public static func adminTokenRequired() -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "admin-token-required", title: "Admin token required", status: .forbidden,
            detail: "a tenant API key cannot use the admin API; send an admin token (tenantry admin token create)"
        )
    }

    /// 404: no tenant or flag by that name (`resource` says which kind).
    public static func notFound(_ detail: String, resource: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "not-found", title: "Not found", status: .notFound, detail: detail,
            extensions: ["resource": .string(resource)]
        )
    }

    /// 409: a flag with this key exists already.
    public static func flagExists(_ detail: String) -> ProblemDetails {
        ProblemDetails(typeURI: typeBase + "flag-exists", title: "Flag exists", status: .conflict, detail: detail)
    }

    /// 409: the flag is archived and takes no more changes.
    public static func flagArchived(_ detail: String) -> ProblemDetails {
        ProblemDetails(typeURI: typeBase + "flag-archived", title: "Flag archived", status: .conflict, detail: detail)
    }

    /// 409: the resource kept changing while the change was decided; retrying may succeed.
    public static func changeConflict(_ detail: String) -> ProblemDetails {
        ProblemDetails(typeURI: typeBase + "change-conflict", title: "Change conflict", status: .conflict, detail: detail)
    }

    /// 422: the flag change is well-formed but not valid (an unknown variant, a value of the
    /// wrong type, a prerequisite cycle, …); the detail names the problem.
    public static func invalidDefinition(_ detail: String) -> ProblemDetails {
        ProblemDetails(typeURI: typeBase + "invalid-definition", title: "Invalid flag definition", status: .unprocessableContent, detail: detail)
    }

    /// 422: the tenant's provisioning failed and the failure is recorded (the tenant is
    /// `failed`, its steps compensated or their compensation owed, e.g. its cluster out of
    /// reach); the detail and `reason` say where. `POST /v1/admin/tenants/{slug}/retry` tries
    /// again once the cause is fixed.
    public static func provisioningFailed(tenant: String, reason: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "provisioning-failed", title: "Provisioning failed", status: .unprocessableContent,
            detail: "tenant \(tenant) could not be provisioned: \(reason); retry it with POST /v1/admin/tenants/\(tenant)/retry once the cause is fixed",
            extensions: ["tenant": .string(tenant), "reason": .string(reason)]
        )
    }

    /// The problem a service's refusal is, or nil for errors that are not refusals (those are
    /// faults: 500).
    public static func admin(_ error: any Error) -> ProblemDetails? {
        switch error {
        case let error as FlagError:
            switch error {
            case .notFound: .notFound(error.description, resource: "flag")
            case .alreadyExists: .flagExists(error.description)
            case .archived: .flagArchived(error.description)
            case .conflict: .changeConflict(error.description)
            case .invalidDefinition: .invalidDefinition(error.description)
            }
        case let error as TenantLifecycleError:
            switch error {
            case .notFound: .notFound(error.description, resource: "tenant")
            case let .illegalTransition(slug, from, action): .invalidTransition(tenant: slug, state: from, action: action)
            case let .planNotAllowed(slug, plan, _) where error.isPlanUnchanged: .planUnchanged(tenant: slug, plan: plan)
            case let .planNotAllowed(slug, plan, reason): .planNotAllowed(tenant: slug, plan: plan, reason: reason)
            case .invalidInput: .invalidRequest(error.description)
            }
        case let error as EvaluationContextError:
            .invalidRequest(error.description, field: "context")
        case let error as PersonalDataErasure.Refusal:
            .status(.conflict, detail: error.description)
        case let error as CellError:
            .cell(error)
        case let error as CellMoveError:
            .cellMoveRefused(error.description)
        case let error as TenantFence.Refusal:
            .cellMoveRefused(error.description)
        case let error as TenantFence.AppendsInFlight:
            .cellMoveRefused(error.description)
        case let error as CustomizationError:
            .customization(error)
        case let refusal as ModuleRefusal:
            .moduleRefused(refusal)
        case let error as ModuleLibraryError:
            .moduleLibrary(error)
        default:
            nil
        }
    }
}
