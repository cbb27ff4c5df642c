import Foundation

/// URL-safe tenant names: lowercase ASCII letters, digits and single `-`, at most 40 long.
public enum Slug {
    public static let maximumLength = 40

    /// How a slug is picked from the organisation's name.
    public enum Style: String, Sendable, Hashable, Codable {
        /// `acme`, then `acme-2`… for operators, who see the registry anyway.
        case readable
        /// Always `acme-<6 random characters>`: for self-serve signup, whose answer would
        /// otherwise tell an anonymous caller which organisation names are taken.
        case unguessable
    }

    /// A slug from an organisation's name: accents folded, everything else that is not a
    /// letter or digit becomes `-`. "Ålborg Café & Co." → "alborg-cafe-co".
    public static func derive(from name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .lowercased()
        var slug = ""
        var lastWasDash = true
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
                lastWasDash = false
            } else if !lastWasDash {
                slug.append("-")
                lastWasDash = true
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        if slug.count > maximumLength - 5 {
            slug = String(slug.prefix(maximumLength - 5))
            while slug.hasSuffix("-") { slug.removeLast() }
        }
        return slug.isEmpty ? "tenant" : slug
    }

    /// The candidates tried in turn until one is free. Readable: `acme`, `acme-2`, … `acme-9`,
    /// then `acme-<4 random characters>`; unguessable: `acme-<6 random characters>` only.
    static func candidates(for base: String, style: Style = .readable) -> [String] {
        switch style {
        case .readable:
            [base] + (2...9).map { "\(base)-\($0)" } + (0..<20).map { _ in "\(base)-\(randomSuffix(length: 4))" }
        case .unguessable:
            (0..<20).map { _ in "\(base)-\(randomSuffix(length: 6))" }
        }
    }

    private static func randomSuffix(length: Int) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
