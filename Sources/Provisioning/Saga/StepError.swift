/// An error met by a step inside a provisioning attempt, with the step it is attributed to, so
/// the run that rolled the attempt back knows which step failed when the error is a failure.
struct StepError: Error {
    let step: ProvisioningStep
    let underlying: any Error

    /// Runs `work` (a statement of the attempt's transaction), attributing its error to `step`.
    static func attributing<Value>(_ step: ProvisioningStep, _ work: () throws -> Value) throws -> Value {
        do {
            return try work()
        } catch {
            throw StepError(step: step, underlying: error)
        }
    }

    /// The step an error is attributed to, if any, and the error itself.
    static func unwrap(_ error: any Error) -> (step: ProvisioningStep?, cause: any Error) {
        if let stepError = error as? StepError { return (stepError.step, stepError.underlying) }
        return (nil, error)
    }
}
