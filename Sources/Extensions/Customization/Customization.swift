/// A client's customization of a single-tenant instance: compiled in, registered by id, and
/// plugged into the platform only through the typed hooks it registers.
///
/// ```swift
/// struct CorporateEmailDomain: Customization {
///     static let id: CustomizationID = "corporate-email"
///     static let version = "1.0.0"
///     static let summary = "Signups and contacts must use the client's email domain"
///     static let settings = [SettingSpecification(name: "domain", kind: .domain, summary: "…")]
///
///     let domain: String
///     init(settings: CustomizationSettings) throws { domain = try settings.string("domain") }
///
///     func register(_ hooks: inout CustomizationHooks) {
///         hooks.validate(SignupCommand.self) { signup in
///             guard signup.email.hasSuffix("@" + domain) else { throw Refusal("use an @\(domain) address") }
///         }
///     }
/// }
/// ```
///
/// The contract, enforced by `CustomizationHost`: every hook runs within its time budget; a
/// refusal becomes a clear error for the caller with nothing written; a hook that throws or runs
/// past its budget fails that one call with an error naming the customization, is logged and
/// counted, and leaves no partial state (validators run before anything is written, reactions
/// are retried from their own checkpoint).
public protocol Customization: Sendable {
    /// Stable: it names the customization in deals, events, checkpoints and URLs (`/x/<id>/`).
    static var id: CustomizationID { get }
    /// Semantic version of this customization's code, recorded with each deployment.
    static var version: String { get }
    /// One line for `tenantry customization list`.
    static var summary: String { get }
    /// The settings a deployment supplies, checked before anything is deployed.
    static var settings: [SettingSpecification] { get }

    /// Builds the customization from settings already checked against `settings`; throws
    /// `SettingError` for what a specification cannot express (e.g. two settings that conflict).
    init(settings: CustomizationSettings) throws

    /// Registers the hooks; called once when an instance starts.
    func register(_ hooks: inout CustomizationHooks)
}
