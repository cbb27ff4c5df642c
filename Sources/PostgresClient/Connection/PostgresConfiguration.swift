import CLibPQ
import Foundation

/// Where and how to connect: a libpq connection string plus what Tenantry sets on every session.
///
/// The string is anything libpq accepts, a URL (`postgresql://user@host/db?sslmode=require`) or
/// keywords (`host=/path/to/socket dbname=tenantry user=tenantry_app`), including several hosts
/// with `target_session_attrs=read-write`.
public struct PostgresConfiguration: Sendable, Hashable {
    /// The libpq connection string, as the operator gave it.
    public var connectionString: String
    /// A role every session switches to at start-up (`-c role=…`); `RESET ROLE` returns to it
    /// too, so a session can never act as the login role by accident.
    public var role: String?
    /// Replaces the database named in `connectionString`.
    public var database: String?
    /// Replaces the user named in `connectionString`.
    public var user: String?
    /// Shown in `pg_stat_activity`.
    public var applicationName: String
    /// Seconds to wait for a connection to open (`defaultConnectTimeoutSeconds` unless given).
    public var connectTimeoutSeconds: Int
    /// How long one statement may run before it is cancelled on the server and fails with
    /// `.timedOut` (a call may pass a deadline of its own). It bounds every wait for an answer,
    /// so a server that stops answering can never park a caller for good.
    public var queryTimeout: Duration
    /// How long a cancelled statement's server gets to answer once it has taken the cancel
    /// request, before the connection is given up as lost (`defaultCancellationGrace`).
    public var cancellationGrace: Duration = PostgresConfiguration.defaultCancellationGrace

    /// 5 seconds: short, since the server has signalled the backend, which stops at once
    /// unless the server is frozen, and the connection keeps its place in a pool while it waits.
    public static let defaultCancellationGrace: Duration = .seconds(5)

    public init(
        connectionString: String,
        role: String? = nil,
        database: String? = nil,
        user: String? = nil,
        applicationName: String = "tenantry",
        connectTimeoutSeconds: Int = PostgresConfiguration.defaultConnectTimeoutSeconds,
        queryTimeout: Duration = .seconds(60)
    ) {
        self.connectionString = connectionString
        self.role = role
        self.database = database
        self.user = user
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.queryTimeout = queryTimeout
    }

    /// 10 seconds, or libpq's own `PGCONNECT_TIMEOUT` when the environment sets it to a
    /// positive whole number: the setting an operator (or a test run on a busy machine) already
    /// knows from every other libpq client.
    public static var defaultConnectTimeoutSeconds: Int {
        ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 10
    }

    /// The same server, another database.
    public func with(database: String) -> PostgresConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The same server, another login user.
    public func with(user: String, role: String? = nil) -> PostgresConfiguration {
        var copy = self
        copy.user = user
        copy.role = role
        return copy
    }

    /// The same server and login, acting as `role`.
    public func acting(as role: String?) -> PostgresConfiguration {
        var copy = self
        copy.role = role
        return copy
    }

    /// The value the connection string gives a libpq keyword (`host`, `password`, …), if any;
    /// throws when libpq cannot parse the string.
    public func value(of keyword: String) throws(PostgresError) -> String? {
        try parameters().first { $0.keyword == keyword }?.value
    }

    /// The keyword/value pairs handed to `PQconnectdbParams`: the parsed string, then overrides.
    func parameters() throws(PostgresError) -> [(keyword: String, value: String)] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "unparseable connection string"
            errorMessage.map { PQfreemem($0) }
            throw PostgresError(
                kind: .connectionFailed,
                message: "invalid database URL: \(message.trimmingTrailingWhitespace())"
            )
        }
        defer { PQconninfoFree(options) }

        var parameters: [(keyword: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }

        func set(_ keyword: String, _ value: String) {
            parameters.removeAll { $0.keyword == keyword }
            parameters.append((keyword, value))
        }
        if let database { set("dbname", database) }
        if let user { set("user", user) }
        if !parameters.contains(where: { $0.keyword == "application_name" }) {
            set("application_name", applicationName)
        }
        if !parameters.contains(where: { $0.keyword == "connect_timeout" }) {
            set("connect_timeout", String(connectTimeoutSeconds))
        }
        // A peer that vanished without a FIN or RST (a failover, a dropped route) is noticed by
        // TCP keepalives within about a minute instead of the kernel's two hours, and unsent
        // data gives up after the same minute. Unix sockets ignore both.
        for (keyword, value) in Self.liveness where !parameters.contains(where: { $0.keyword == keyword }) {
            set(keyword, value)
        }
        // Timestamps come back in one unambiguous text form; see PostgresTimestamp.
        var sessionOptions = parameters.first { $0.keyword == "options" }?.value ?? ""
        sessionOptions += " -c TimeZone=UTC -c DateStyle=ISO -c client_encoding=UTF8"
        if let role {
            sessionOptions += " -c role=" + role.replacingOccurrences(of: " ", with: "\\ ")
        }
        set("options", sessionOptions.trimmingLeadingWhitespace())
        return parameters
    }
}

extension PostgresConfiguration {
    /// `connectionString` (a URL or keyword/value pairs) with some keywords set or replaced
    /// (`user`, `password`, `dbname`, …) and the others kept as given, rendered as libpq
    /// keyword/value pairs (values quoted and escaped by libpq's rules); a nil value removes the
    /// keyword. Throws when libpq cannot parse the string.
    public static func connectionString(
        _ connectionString: String, replacing overrides: [String: String?]
    ) throws(PostgresError) -> String {
        var parameters = try PostgresConfiguration(connectionString: connectionString).givenParameters()
        for keyword in overrides.keys.sorted() {
            parameters.removeAll { $0.keyword == keyword }
            if let value = overrides[keyword] ?? nil { parameters.append((keyword, value)) }
        }
        return parameters.map { "\($0.keyword)='\($0.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'" }
            .joined(separator: " ")
    }

    /// The keyword/value pairs the connection string itself gives, nothing added.
    private func givenParameters() throws(PostgresError) -> [(keyword: String, value: String)] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "unparseable connection string"
            errorMessage.map { PQfreemem($0) }
            throw PostgresError(kind: .connectionFailed, message: "invalid database URL: \(message.trimmingTrailingWhitespace())")
        }
        defer { PQconninfoFree(options) }
        var parameters: [(keyword: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parameters.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return parameters
    }
}

extension PostgresConfiguration {
    /// The deadline of a wait for an advisory lock another session may hold for as long as its
    /// own work takes (a migration, a provisioning run): far longer than a statement's, still
    /// finite.
    public static let lockWaitTimeout: Duration = .seconds(15 * 60)

    /// The deadline of one migration's script (an index built over a large table takes its time).
    public static let migrationTimeout: Duration = .seconds(60 * 60)

    /// libpq's TCP liveness settings Tenantry uses unless the connection string sets its own.
    static let liveness: [(keyword: String, value: String)] = [
        ("keepalives", "1"),
        ("keepalives_idle", "30"),
        ("keepalives_interval", "10"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "60000"),
    ]
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while copy.last?.isWhitespace == true { copy.removeLast() }
        return copy
    }

    func trimmingLeadingWhitespace() -> String {
        String(drop { $0.isWhitespace })
    }
}

import Foundation
