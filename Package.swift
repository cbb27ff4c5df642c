// swift-tools-version:6.1
import PackageDescription

/// Strict concurrency everywhere; the language mode is Swift 6 for every target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Test targets import their modules plainly (no access-level ceremony), still in Swift 6 mode.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Tenantry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tenantry", targets: ["TenantryCLI"]),
        .library(name: "PostgresClient", targets: ["PostgresClient"]),
        .library(name: "EventStore", targets: ["EventStore"]),
        .library(name: "Tenancy", targets: ["Tenancy"]),
        .library(name: "FeatureFlags", targets: ["FeatureFlags"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        // The HTTP server. Default traits off: no swift-configuration, FoundationEssentials is enough.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // HTTP field names and statuses, as Hummingbird's requests and responses carry them.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // `make docs`: the DocC catalogs (a command plugin; nothing of it is linked or built by `swift build`).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The signup pages' templates.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // WebAssembly customizations: an interpreter with fuel metering, no JIT, no file system
        // (MultiThread only: one engine is shared by every pool). 0.x, so minor versions may break.
        .package(url: "https://github.com/swiftwasm/WasmKit", .upToNextMinor(from: "0.4.2"), traits: ["MultiThread"]),
    ],
    targets: [
        // libpq, from Debian's libpq-dev.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // glibc's malloc_trim, to give back what a large fold freed (see TenantryServer's
        // FreedMemory).
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // The database's roles, grants and every migration, as SQL files, with the runner that
        // applies them: the bottom of the schema, below every module whose tables it creates.
        .target(
            name: "Schema",
            dependencies: ["PostgresClient"],
            resources: [
                .embedInCode("Roles/roles.sql"),
                .embedInCode("Roles/database.sql"),
                .embedInCode("Migrations/0001_event_store.sql"),
                .embedInCode("Migrations/0002_schema_migrations_readable.sql"),
                .embedInCode("Migrations/0003_quiet_notifications.sql"),
                .embedInCode("Migrations/0004_read_feed.sql"),
                .embedInCode("Migrations/0005_database_feed_horizon.sql"),
                .embedInCode("Migrations/0006_read_feed_page.sql"),
                .embedInCode("Migrations/0007_feed_probe_in_order.sql"),
                .embedInCode("Migrations/0100_row_level_security.sql"),
                .embedInCode("Migrations/0101_tenant_placements.sql"),
                .embedInCode("Migrations/0102_retired_pooled_copies.sql"),
                .embedInCode("Migrations/0103_retired_pooled_copies_private.sql"),
                .embedInCode("Migrations/0104_instance_logins.sql"),
                .embedInCode("Migrations/0105_retired_snapshots.sql"),
                .embedInCode("Migrations/0106_instance_writes_bounded.sql"),
                .embedInCode("Migrations/0107_lean_append.sql"),
                .embedInCode("Migrations/0108_staged_append.sql"),
                .embedInCode("Migrations/0109_retired_check_hashed.sql"),
                .embedInCode("Migrations/0110_staged_append_one_pass.sql"),
                .embedInCode("Migrations/0111_retired_check_per_append.sql"),
                .embedInCode("Migrations/0112_purge_retired_tenants.sql"),
                .embedInCode("Migrations/0113_personal_data_keys.sql"),
                .embedInCode("Migrations/0114_cells.sql"),
                .embedInCode("Migrations/0115_instance_reads_customizations.sql"),
                .embedInCode("Migrations/0200_tenants_read_model.sql"),
                .embedInCode("Migrations/0201_tenants_compensation_owed.sql"),
                .embedInCode("Migrations/0202_signup_admissions.sql"),
                .embedInCode("Migrations/0203_tenants_cell.sql"),
            ],
            swiftSettings: swiftSettings
        ),
        // posix_spawn with captured output and a watcher per child; Foundation's Process is not used.
        .target(
            name: "ChildProcesses",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EmbeddedPostgres",
            dependencies: ["ChildProcesses"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EventStore",
            dependencies: [
                "PostgresClient",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Tenancy",
            dependencies: ["PostgresClient", "EventStore", "Schema"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Provisioning",
            dependencies: [
                "PostgresClient",
                "EventStore",
                "Tenancy",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FeatureFlags",
            dependencies: [
                "PostgresClient",
                "EventStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The extension point: the Customization protocol, its typed hooks and the host that runs
        // them within budgets; no customization lives here.
        .target(
            name: "Extensions",
            dependencies: [
                "EventStore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Customizations as WebAssembly modules: the manifest, the install-time inspection, the
        // sandbox (fuel, memory, budget) and the host functions of ABI v1 (Docs/customizations.md).
        .target(
            name: "WasmCustomizations",
            dependencies: [
                "Extensions",
                "EventStore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmParser", package: "WasmKit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The client customizations compiled into this release.
        .target(
            name: "Customizations",
            dependencies: [
                "Extensions",
                "EventStore",
                "PostgresClient",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Admin tokens: issued, listed and revoked as events; the in-memory directory a server
        // authenticates admin requests with.
        .target(
            name: "AdminTokens",
            dependencies: [
                "EventStore",
                "PostgresClient",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Single-tenant instances: every workflow (deploy, status, upgrade with rollback, stop,
        // destroy), over the services the composition root passes down.
        .target(
            name: "Instances",
            dependencies: [
                "Schema",
                "ChildProcesses",
                "EventStore",
                "Extensions",
                "FeatureFlags",
                "PostgresClient",
                "Provisioning",
                "Tenancy",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Tenantry",
            dependencies: [
                "AdminTokens",
                "Extensions",
                "FeatureFlags",
                "Instances",
                "Provisioning",
                "PostgresClient",
                "EmbeddedPostgres",
                "EventStore",
                "Schema",
                "Tenancy",
                "WasmCustomizations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TenantryServer",
            dependencies: [
                "AdminTokens",
                "CMalloc",
                "Extensions",
                "Schema",
                "Tenantry",
                "FeatureFlags",
                "Provisioning",
                "Tenancy",
                "EventStore",
                "PostgresClient",
                "WasmCustomizations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("OpenAPI/openapi.yaml"),
                // The signup page's stylesheet and script: plain files, no build step.
                .embedInCode("Signup/Assets/signup.css"),
                .embedInCode("Signup/Assets/signup.js"),
                // The signup pages (Mustache, escaped by the library).
                .embedInCode("Signup/Templates/document.mustache"),
                .embedInCode("Signup/Templates/form.mustache"),
                .embedInCode("Signup/Templates/status.mustache"),
                .embedInCode("Signup/Templates/not-found.mustache"),
                .embedInCode("Signup/Templates/progress.mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks `tenantry bench` runs: workloads, the references measured beside them
        // (pgbench, psql, wrk), measurement and report. The SQL they run is in SQL/ and named
        // statements.
        .target(
            name: "Benchmarks",
            dependencies: [
                "Schema",
                "ChildProcesses",
                "Customizations",
                "Extensions",
                "WasmCustomizations",
                .product(name: "Logging", package: "swift-log"),
                "EmbeddedPostgres",
                "EventStore",
                "FeatureFlags",
                "PostgresClient",
                "Provisioning",
                "Tenancy",
                "Tenantry",
            ],
            resources: [
                .embedInCode("SQL/eventstore_setup.sql"),
                .embedInCode("SQL/pgbench_append_events.sql"),
                .embedInCode("SQL/pgbench_plain_insert.sql"),
            ],
            swiftSettings: swiftSettings
        ),
        // The `tenantry` command (product `tenantry`): one type per command, thin over the runtime.
        .executableTarget(
            name: "TenantryCLI",
            dependencies: [
                "AdminTokens",
                "Benchmarks",
                "EmbeddedPostgres",
                "Instances",
                "Tenantry",
                "TenantryServer",
                "Extensions",
                "Customizations",
                "FeatureFlags",
                "Provisioning",
                "Tenancy",
                "EventStore",
                "PostgresClient",
                "Schema",
                "WasmCustomizations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests. TestSupport starts the throwaway test cluster and hands each test a database.
        .target(
            name: "TestSupport",
            dependencies: [
                "PostgresClient", "EmbeddedPostgres", "ChildProcesses", "EventStore", "Schema",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: testSwiftSettings
        ),
        // The HTTP side of the tests, apart so module tests that need no HTTP link no
        // Hummingbird or NIO: the tests' one HTTP client (HTTPTestClient) on a real socket, and
        // WebhookReceiver.
        .target(
            name: "HTTPTestSupport",
            dependencies: [
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/HTTPTestSupport",
            swiftSettings: testSwiftSettings
        ),
        // WebAssembly modules written in WAT for the tests, assembled by WasmKit's WAT.
        .target(
            name: "WasmTestSupport",
            dependencies: ["WasmCustomizations", .product(name: "WAT", package: "WasmKit")],
            path: "Tests/WasmTestSupport",
            swiftSettings: testSwiftSettings
        ),
        // The whole runtime on a test database, for the tests of the composition root and of
        // what only it wires together; module tests need only TestSupport.
        .target(
            name: "RuntimeTestSupport",
            dependencies: ["TestSupport", "Tenantry", "Extensions", "Provisioning"],
            path: "Tests/RuntimeTestSupport",
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SchemaTests",
            dependencies: ["Schema", "PostgresClient", "EmbeddedPostgres", "TestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "TestSupport", "ChildProcesses"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "ExtensionsTests",
            dependencies: ["Extensions", "EventStore", "PostgresClient", "TestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "WasmCustomizationsTests",
            dependencies: [
                "WasmCustomizations", "Extensions", "EventStore", "TestSupport", "HTTPTestSupport", "WasmTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "CustomizationsTests",
            dependencies: [
                "Customizations", "Extensions", "EventStore", "Provisioning", "Tenantry", "TenantryServer", "TestSupport", "RuntimeTestSupport",
                "HTTPTestSupport", "WasmCustomizations", "WasmTestSupport", "FeatureFlags",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "ChildProcessesTests",
            dependencies: ["ChildProcesses", "TestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "EmbeddedPostgresTests",
            dependencies: ["EmbeddedPostgres", "ChildProcesses"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "EventStoreTests",
            dependencies: ["EventStore", "PostgresClient", "TestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "TenancyTests",
            dependencies: ["Tenancy", "EventStore", "PostgresClient", "Schema", "TestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "TenantryTests",
            dependencies: ["Tenantry", "Tenancy", "Provisioning", "EventStore", "PostgresClient", "TestSupport", "RuntimeTestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "AdminTokensTests",
            dependencies: ["AdminTokens", "EventStore", "PostgresClient", "TestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "InstancesTests",
            dependencies: [
                "Instances", "Tenantry", "Customizations", "Provisioning", "EventStore", "PostgresClient", "TestSupport", "RuntimeTestSupport",
                "Extensions", "FeatureFlags", "WasmCustomizations", "WasmTestSupport",
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "ProvisioningTests",
            dependencies: ["Provisioning", "Tenancy", "EventStore", "FeatureFlags", "PostgresClient", "TestSupport", "RuntimeTestSupport", "Tenantry"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "FeatureFlagsTests",
            dependencies: ["FeatureFlags", "EventStore", "PostgresClient", "TestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "TenantryCLI", "Tenantry", "AdminTokens", "EventStore", "PostgresClient", "Tenancy", "Provisioning",
                "ChildProcesses", "Customizations", "HTTPTestSupport", "WasmTestSupport",
            ],
            exclude: ["Support/render_kustomize.py"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "AdminTokens",
                "Customizations",
                "EmbeddedPostgres",
                "TenantryServer",
                "Extensions",
                "Tenantry",
                "ChildProcesses",
                "FeatureFlags",
                "Provisioning",
                "EventStore",
                "PostgresClient",
                "TestSupport",
                "HTTPTestSupport",
                "RuntimeTestSupport",
                "TenantryCLI",
                "WasmTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: [
                "Support/validate_ofrep.py", "Support/openfeature_client.py", "Support/openapi_operations.py",
                "Support/signup_browser.py", "Support/ofrep-openapi.yaml", "Support/openapi_contract.py",
                "Support/urllib_large_body.py",
            ],
            swiftSettings: testSwiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

