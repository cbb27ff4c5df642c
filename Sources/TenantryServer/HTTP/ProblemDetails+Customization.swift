public import Extensions
import FeatureFlags
import HTTPTypes
public import WasmCustomizations

extension ProblemDetails {
    /// A customization's verdict on a request: 422 `customization-refused` when it refused the
    /// command (the caller can change the request), 503 `customization-failed` when the hook
    /// threw or ran past its budget (nothing was written; the caller may retry). Both name the
    /// customization and the hook.
    public static func customization(_ error: CustomizationError) -> ProblemDetails {
        let extensions: [String: JSONValue] = [
            "customization": .string(error.customization.rawValue),
            "hook": .string(error.hook),
        ]
        switch error.kind {
        case .refused:
            return ProblemDetails(
                typeURI: typeBase + "customization-refused", title: "Refused by the instance's customization",
                status: .unprocessableContent, detail: error.description, extensions: extensions)
        case .failed, .timedOut, .trapped:
            return ProblemDetails(
                typeURI: typeBase + "customization-failed", title: "The instance's customization failed",
                status: .serviceUnavailable, detail: error.description, extensions: extensions)
        }
    }

    /// 422 `module-refused`: the WebAssembly module cannot be installed as it is (not a module,
    /// no or a bad manifest, an import this host does not grant, a limit exceeded); the detail
    /// names what is wrong. Nothing was recorded.
    public static func moduleRefused(_ refusal: ModuleRefusal) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "module-refused", title: "Module refused", status: .unprocessableContent,
            detail: refusal.reason)
    }

    /// 409 `customization-conflict`: the module's id is a compiled-in customization's, or its
    /// version is installed already with other bytes (a version names one module for good:
    /// bump it). `customization` names the id.
    public static func customizationConflict(_ detail: String, customization: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "customization-conflict", title: "Customization conflict", status: .conflict,
            detail: detail, extensions: ["customization": .string(customization)])
    }

    /// The problem a module library's refusal is; nil for a stored module that cannot be
    /// loaded, which is a fault (500), not the caller's to fix.
    static func moduleLibrary(_ error: ModuleLibraryError) -> ProblemDetails? {
        switch error {
        case .reservedID(let id): .customizationConflict(error.description, customization: id)
        case .versionTaken(let reference, _): .customizationConflict(error.description, customization: CustomizationCatalog.split(reference).id)
        case .busy: .changeConflict(error.description)
        case .corrupt: nil
        }
    }
}
