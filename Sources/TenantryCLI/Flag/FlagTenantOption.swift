import ArgumentParser

/// `--tenant <slug>`: the tenant an override or an evaluation is for.
struct FlagTenantOption: ParsableArguments {
    @Option(help: ArgumentHelp("The tenant's slug (or id).", valueName: "slug"))
    var tenant: String
}
