public import Extensions
import FeatureFlags
import HTTPTypes

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
}
