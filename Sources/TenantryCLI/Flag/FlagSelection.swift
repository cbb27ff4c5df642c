import ArgumentParser
import FeatureFlags

/// The flag a command acts on: `<key>`, the first argument of every single-flag command.
struct FlagSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The flag's key (letters, digits, '-', '_', '.'; case-sensitive).", valueName: "key"))
    var key: String

    func validate() throws {
        do {
            _ = try FlagKey(key)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The key, checked (`validate()` has refused a bad one before `run()`).
    var flagKey: FlagKey {
        get throws { try FlagKey(key) }
    }
}
