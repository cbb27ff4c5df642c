import Extensions
import Metrics

/// The sandbox's own series, beside `tenantry_customization_hook_calls_total` (calls, refusals
/// and traps by hook, counted by `CustomizationHost`):
/// `tenantry_customization_wasm_fuel_total{customization}` and
/// `tenantry_customization_wasm_traps_total{customization, reason}`. Ids are installed by an
/// operator and reasons are fixed words, so the series stay few.
enum WasmMetrics {
    static func fuelUsed(_ units: UInt64, by customization: CustomizationID) {
        Counter(label: "tenantry_customization_wasm_fuel_total", dimensions: [("customization", customization.rawValue)]).increment(by: Int64(clamping: units))
    }

    static func trapped(_ reason: String, in customization: CustomizationID) {
        Counter(label: "tenantry_customization_wasm_traps_total", dimensions: [("customization", customization.rawValue), ("reason", reason)]).increment()
    }
}
