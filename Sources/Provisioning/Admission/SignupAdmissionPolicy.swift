/// The abuse limits of self-serve signup, per client (`SignupClient`) and shared by every
/// server through the control plane (`SignupAdmissions`).
public struct SignupAdmissionPolicy: Sendable, Hashable {
    /// The window both limits count over.
    public var window: Duration
    /// The most signups one client may start within `window`.
    public var perWindow: Int
    /// The most signups of one client within `window` whose first API key nobody took yet:
    /// a script that registers tenants without finishing them is stopped well before
    /// `perWindow`.
    public var unclaimed: Int

    public init(window: Duration = .seconds(3600), perWindow: Int = 10, unclaimed: Int = 3) {
        self.window = window
        self.perWindow = perWindow
        self.unclaimed = unclaimed
    }

    /// Ten signups an hour per client, at most three of them unclaimed.
    public static let standard = SignupAdmissionPolicy()
}
