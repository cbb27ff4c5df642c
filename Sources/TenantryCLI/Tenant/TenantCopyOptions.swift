import ArgumentParser

/// What `tenant import` and `tenant restore` may give the new tenant instead of the source's
/// name and email (needed when those were erased).
struct TenantCopyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The owner's email for the new tenant (default: the source's).", valueName: "email"))
    var email: String?

    @Option(help: ArgumentHelp("The organisation's name for the new tenant (default: the source's).", valueName: "name"))
    var organization: String?
}
