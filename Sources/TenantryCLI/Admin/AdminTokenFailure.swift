import AdminTokens
import Tenantry

/// An admin token command's refusals in the CLI's terms: 66 for an unknown token, 65 for the
/// others (nothing was written either way).
enum AdminTokenFailure {
    static func translating<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as AdminTokenError {
            switch error {
            case .notFound: throw CommandFailure(message: error.description, exitCode: CommandFailure.notFound)
            case .ambiguous, .alreadyRevoked, .invalidInput: throw CommandFailure(message: error.description, exitCode: CommandFailure.dataError)
            }
        }
    }
}
