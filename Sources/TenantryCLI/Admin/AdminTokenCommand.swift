import ArgumentParser

/// `tenantry admin token create|list|revoke`.
struct AdminTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, list and revoke admin tokens (Authorization: Bearer <token> on /v1/admin).",
        discussion: """
            A token is random (256 bits), shown once when it is created, and stored only as its \
            SHA-256. Revoking one takes effect in every running server within milliseconds. A \
            server also accepts the token in TENANTRY_ADMIN_TOKEN, for one injected from a \
            secret store.
            """,
        subcommands: [AdminTokenCreateCommand.self, AdminTokenListCommand.self, AdminTokenRevokeCommand.self]
    )
}
