/// The name of a dedicated tenant's database: `tenantry_t_<slug>`, with the slug's `-` as `_`.
public enum DedicatedDatabaseName {
    /// The longest slug that still makes a valid name (PostgreSQL identifiers stop at 63 bytes).
    public static let maximumSlugLength = 40

    /// The database name for a slug of lowercase letters, digits and `-`; `nil` for anything else.
    public static func forSlug(_ slug: String) -> String? {
        guard !slug.isEmpty, slug.utf8.count <= maximumSlugLength,
              slug.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" })
        else { return nil }
        return "tenantry_t_" + slug.replacingOccurrences(of: "-", with: "_")
    }
}
