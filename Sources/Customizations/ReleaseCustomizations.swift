public import Extensions

/// The customizations compiled into this release. A new one is added here, and only here,
/// to be deployable (`Docs/customizations.md`).
public enum ReleaseCustomizations {
    public static let catalog = CustomizationCatalog([
        AuditForwarder.self,
        CorporateEmailDomain.self,
    ])
}
