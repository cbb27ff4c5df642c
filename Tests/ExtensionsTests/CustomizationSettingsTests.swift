import Extensions
import Foundation
import Testing

/// A deployment's settings checked against a customization's specifications: pure rules, no
/// database and no customization running.
@Suite("Customization settings, no database")
struct CustomizationSettingsTests {
    static let specifications = [
        SettingSpecification(name: "endpoint", kind: .url, summary: "where to send"),
        SettingSpecification(name: "batch", kind: .integer, summary: "events per call", defaultValue: "10"),
        SettingSpecification(name: "verbose", kind: .boolean, summary: "log each call", defaultValue: "off"),
        SettingSpecification(name: "domain", kind: .domain, summary: "the customer's domain"),
        SettingSpecification(name: "secret", kind: .string, summary: "shared secret", isSecret: true),
    ]
    static let valid = ["endpoint": "https://hooks.example/in", "domain": "Acme.Example", "secret": " s3cret "]

    func problems(_ given: [String: String]) -> [String] {
        do {
            _ = try CustomizationSettings.validate(given, against: Self.specifications, for: "audit")
            return []
        } catch let error as SettingError {
            return error.problems
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test("defaults fill what is not given; values are normalised (trimmed, booleans spelled true/false, domains lowercased); accessors are typed")
    func validSettings() throws {
        let settings = try CustomizationSettings.validate(Self.valid, against: Self.specifications, for: "audit")
        #expect(settings.values == [
            "endpoint": "https://hooks.example/in", "batch": "10", "verbose": "false", "domain": "acme.example", "secret": "s3cret",
        ])
        #expect(settings.integer("batch") == 10)
        #expect(settings.boolean("verbose") == false)
        #expect(settings.url("endpoint")?.host == "hooks.example")
        #expect(settings.string("secret") == "s3cret")
        #expect(settings.displayed["secret"] == "••••••")
        #expect(settings.displayed["endpoint"] == "https://hooks.example/in")
        #expect(Self.specifications.filter(\.isRequired).map(\.name) == ["endpoint", "domain", "secret"])
    }

    @Test("every problem is named at once: unknown, missing, and each value not of its kind")
    func everyProblemAtOnce() {
        let found = problems(["endpoint": "ftp://files.example", "batch": "ten", "verbose": "maybe", "domain": "-bad-.example", "colour": "red"])
        #expect(found == [
            "unknown setting 'colour' (it takes: batch, domain, endpoint, secret, verbose)",
            "setting 'endpoint' must be an absolute http(s) URL, not 'ftp://files.example'",
            "setting 'batch' must be an integer, not 'ten'",
            "setting 'verbose' must be true or false, not 'maybe'",
            "setting 'domain' must be a domain name such as example.com, not '-bad-.example'",
            "setting 'secret' is missing (shared secret)",
        ])
    }

    @Test("booleans take yes/no, on/off, 1/0 in any case", arguments: [("YES", "true"), ("on", "true"), ("1", "true"), ("No", "false"), ("OFF", "false"), ("0", "false")])
    func booleans(given: String, stored: String) throws {
        var values = Self.valid
        values["verbose"] = given
        #expect(try CustomizationSettings.validate(values, against: Self.specifications, for: "audit").values["verbose"] == stored)
    }

    @Test("a domain needs two labels of 1–63 letters, digits or inner hyphens", arguments: [
        ("example.com", true), ("a.b", true), ("localhost", false), ("exa_mple.com", false), ("example..com", false),
        (String(repeating: "a", count: 64) + ".com", false), ("ünicode.example", false),
    ])
    func domains(domain: String, valid: Bool) {
        var values = Self.valid
        values["domain"] = domain
        #expect(problems(values).isEmpty == valid)
    }

    @Test("a string setting that is only whitespace is empty, and refused")
    func emptyString() {
        var values = Self.valid
        values["secret"] = "   "
        #expect(problems(values) == ["setting 'secret' is empty"])
    }

    @Test("customization ids: 2–40 lowercase letters, digits and inner hyphens", arguments: [
        ("audit", true), ("a1", true), ("audit-forwarder", true), ("a", false), ("Audit", false), ("-audit", false),
        ("audit-", false), ("audit_forwarder", false), (String(repeating: "a", count: 41), false),
    ])
    func customizationIDs(id: String, valid: Bool) {
        #expect((CustomizationID(id) != nil) == valid)
    }
}
