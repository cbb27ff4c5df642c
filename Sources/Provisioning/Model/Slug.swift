import Foundation

/// URL-safe tenant names: lowercase ASCII letters, digits and single `-`, at most 40 long.
public enum Slug {
    public static let maximumLength = 40

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

    /// The candidates tried in turn until one is free: `acme`, `acme-2`, … `acme-9`, then
    /// `acme-<4 random characters>`.
    static func candidates(for base: String) -> [String] {
        [base] + (2...9).map { "\(base)-\($0)" }
            + (0..<20).map { _ in "\(base)-\(randomSuffix())" }
    }

    private static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        return String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }
}
