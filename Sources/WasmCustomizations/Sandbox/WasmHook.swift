import WasmKit

/// The hooks a module exports (ABI v1), with their signatures.
enum WasmHook: CaseIterable {
    case validate, react, flagDefaults

    var export: String {
        switch self {
        case .validate: "tenantry_validate"
        case .react: "tenantry_react"
        case .flagDefaults: "tenantry_flag_defaults"
        }
    }

    /// How the manifest's `hooks` names it.
    var manifestName: String {
        switch self {
        case .validate: "validate"
        case .react: "reactions"
        case .flagDefaults: "flagDefaults"
        }
    }

    /// `(ptr, len) -> (ptr << 32 | len)`, or `() -> …` for flag defaults.
    var type: FunctionType {
        switch self {
        case .validate, .react: FunctionType(parameters: [.i32, .i32], results: [.i64])
        case .flagDefaults: FunctionType(parameters: [], results: [.i64])
        }
    }

    static let allocType = FunctionType(parameters: [.i32], results: [.i32])
}
