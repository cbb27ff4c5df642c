import ArgumentParser
import Foundation
import Provisioning
import TenantryServer

/// `serve`'s options for self-serve signup's abuse limits (`SignupLimits`): per client
/// network, counted in the control plane, so every server started with the same numbers
/// enforces one shared budget.
struct SignupLimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Signups one client network may start per hour, on all servers together (1–1000000).", valueName: "count"))
    var signupsPerHour = SignupAdmissionPolicy.standard.perWindow

    @Option(help: ArgumentHelp(
        "Signups of one client network in the last hour whose API key nobody took yet, beyond which it is refused (1–1000000).",
        valueName: "count"))
    var unclaimedSignups = SignupAdmissionPolicy.standard.unclaimed

    @Option(help: ArgumentHelp(
        "Behind a reverse proxy: the header it puts the client's address in, e.g. X-Forwarded-For (default: $TENANTRY_CLIENT_ADDRESS_HEADER; none: the peer is the client).",
        valueName: "name"))
    var clientAddressHeader: String?

    @Option(help: ArgumentHelp(
        "A proxy (address or CIDR) whose client-address header is believed; repeatable (default: $TENANTRY_TRUSTED_PROXIES, comma-separated, else loopback).",
        valueName: "cidr"))
    var trustedProxy: [String] = []

    private static let environment = ProcessInfo.processInfo.environment

    func validate() throws {
        _ = try limits()
    }

    /// The limits these options describe; a bad value is a `ValidationError` naming it.
    func limits() throws -> SignupLimits {
        for (name, value) in [("--signups-per-hour", signupsPerHour), ("--unclaimed-signups", unclaimedSignups)]
        where !(1...1_000_000).contains(value) {
            throw ValidationError("\(name) must be between 1 and 1000000, not \(value)")
        }
        let policy = SignupAdmissionPolicy(window: .seconds(3600), perWindow: signupsPerHour, unclaimed: unclaimedSignups)
        let headerText = clientAddressHeader ?? Self.environment["TENANTRY_CLIENT_ADDRESS_HEADER"].flatMap { $0.isEmpty ? nil : $0 }
        guard let headerText else { return SignupLimits(admission: policy, clientAddress: .peer) }
        let proxies = trustedProxy.isEmpty
            ? (Self.environment["TENANTRY_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            : trustedProxy
        var networks: [IPNetwork] = []
        for text in proxies where !text.isEmpty {
            guard let network = IPNetwork(text) else {
                throw ValidationError("--trusted-proxy \(text) is not an address or CIDR network such as 10.0.0.0/8")
            }
            networks.append(network)
        }
        guard let source = ClientAddressSource(headerName: headerText, trustedProxies: networks.isEmpty ? IPNetwork.loopback : networks) else {
            throw ValidationError("--client-address-header \(headerText) is not a header name")
        }
        return SignupLimits(admission: policy, clientAddress: source)
    }
}
