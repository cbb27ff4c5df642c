import ArgumentParser

/// How a command prints: a table for people, or JSON for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON (one object per line for event listings) instead of a table.")
    var json = false
}
