import ArgumentParser

/// The tenant a command acts on: `<slug>` (or its id), the first argument of every
/// single-tenant command.
struct TenantSelection: ParsableArguments {
    @Argument(help: ArgumentHelp("The tenant's slug (or id).", valueName: "slug"))
    var slug: String
}
