public import Extensions
import Foundation

/// A client that allows only its own people: a signup's email must be at the client's domain
/// (or, when allowed, a subdomain of it), and `GET /x/corporate-email/policy` tells the
/// client's tools what the instance enforces.
public struct CorporateEmailDomain: Customization {
    public static let id: CustomizationID = "corporate-email"
    public static let version = "1.0.0"
    public static let summary = "Signups must use the client's corporate email domain; GET /x/corporate-email/policy shows the policy"
    public static let settings = [
        SettingSpecification(name: "domain", kind: .domain, summary: "the corporate email domain, e.g. acme.example"),
        SettingSpecification(name: "allow-subdomains", kind: .boolean, summary: "also accept addresses at subdomains such as eu.acme.example", defaultValue: "false"),
        SettingSpecification(name: "contact", kind: .string, summary: "who to ask for access, shown in refusals and the policy", defaultValue: "your administrator"),
    ]

    public let policy: EmailDomainPolicy

    public init(settings: CustomizationSettings) throws {
        policy = EmailDomainPolicy(
            domain: settings.string("domain"),
            allowsSubdomains: settings.boolean("allow-subdomains"),
            contact: settings.string("contact"))
    }

    public func register(_ hooks: inout CustomizationHooks) {
        let policy = self.policy
        hooks.validate(SignupCommand.self) { signup in
            guard policy.admits(signup.email) else {
                throw Refusal("signups must use an address at \(policy.domain)\(policy.allowsSubdomains ? " or one of its subdomains" : ""); ask \(policy.contact)")
            }
        }
        hooks.route("GET", "policy") { _ in
            try .json(policy)
        }
    }
}

/// Which email addresses a corporate instance admits.
public struct EmailDomainPolicy: Sendable, Hashable, Codable {
    public let domain: String
    public let allowsSubdomains: Bool
    public let contact: String

    /// Compares the part after the last "@" byte with the domain, ASCII letters
    /// case-insensitively (domains are ASCII; their Unicode forms travel as punycode); an
    /// address without one, or with an empty local part, is not admitted. Bytes, not
    /// characters: the WebAssembly version of this policy reads the same bytes the same way.
    public func admits(_ email: String) -> Bool {
        let bytes = Array(email.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at != 0 else { return false }
        let host = String(decoding: bytes[(at + 1)...].map(Self.asciiLowercased), as: UTF8.self)
        return host == domain || (allowsSubdomains && host.hasSuffix("." + domain))
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
