import ArgumentParser
import EmbeddedPostgres
import EventStore
import Extensions
import FeatureFlags
import Instances
import PostgresClient
import Provisioning
import Schema
import Tenancy
import Tenantry
import WasmCustomizations

/// A failure of a command in the terms an operator (or a script) acts on: one line of text and
/// an exit code from sysexits(3).
///
/// | code | meaning |
/// | --- | --- |
/// | 1 | anything else |
/// | 64 | bad usage (argument parsing) |
/// | 65 | bad input data: invalid event, stream name, JSON, too large, duplicate id; an illegal tenant transition; an invalid flag change; a cell change its state refuses (a name or location taken, a cell holding tenants removed, a draining or full cell named); a move between cells or a purge refused; a WebAssembly module refused, or its id or version taken |
/// | 66 | no such tenant, flag or cell |
/// | 69 | the database is unreachable or could not be started; a cell's database cannot be used |
/// | 75 | a concurrency conflict, e.g. wrong expected version: retrying may succeed |
/// | 78 | configuration: schema not migrated, roles missing |
struct CommandFailure: Error {
    var message: String
    var exitCode: ExitCode

    static let dataError = ExitCode(65)
    static let notFound = ExitCode(66)
    static let unavailable = ExitCode(69)
    static let temporaryFailure = ExitCode(75)
    static let configuration = ExitCode(78)

    init(message: String, exitCode: ExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    /// `nil` for errors that ArgumentParser reports itself (usage, help, explicit exit codes).
    init?(_ error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let error as EventStoreError:
            switch error {
            case .wrongExpectedVersion, .tenantMoving:
                self.init(message: error.description, exitCode: Self.temporaryFailure)
            case .invalidEvent, .invalidStreamName, .eventTooLarge, .duplicateEventID, .appendOnly:
                self.init(message: error.description, exitCode: Self.dataError)
            case .database(let underlying):
                self.init(postgres: underlying)
            }
        case let error as PostgresError:
            self.init(postgres: error)
        case let error as EmbeddedPostgresError:
            self.init(message: error.description, exitCode: Self.unavailable)
        case let error as TenantLifecycleError:
            switch error {
            case .notFound: self.init(message: error.description, exitCode: Self.notFound)
            default: self.init(message: error.description, exitCode: Self.dataError)
            }
        case let error as FlagError:
            switch error {
            case .notFound: self.init(message: error.description, exitCode: Self.notFound)
            case .conflict: self.init(message: error.description, exitCode: Self.temporaryFailure)
            case .invalidDefinition, .alreadyExists, .archived: self.init(message: error.description, exitCode: Self.dataError)
            }
        case let error as EvaluationContextError:
            self.init(message: error.description, exitCode: Self.dataError)
        case let error as CustomizationError:
            self.init(message: error.description, exitCode: error.kind == .refused ? Self.dataError : Self.unavailable)
        case let error as SettingError:
            self.init(message: error.description, exitCode: Self.configuration)
        case let error as UnknownCustomization:
            self.init(message: error.description, exitCode: Self.dataError)
        case let error as PooledCustomizationError:
            self.init(message: error.description, exitCode: Self.dataError)
        case let refusal as ModuleRefusal:
            self.init(message: "module refused: \(refusal.reason)", exitCode: Self.dataError)
        case let error as ModuleLibraryError:
            switch error {
            case .reservedID, .versionTaken: self.init(message: error.description, exitCode: Self.dataError)
            case .busy: self.init(message: error.description, exitCode: Self.temporaryFailure)
            // Stored bytes that no longer load are no input's fault: "anything else".
            case .corrupt: self.init(message: error.description, exitCode: .failure)
            }
        case let error as InstanceError:
            switch error {
            case .notDeployed, .destroyed: self.init(message: error.description, exitCode: Self.notFound)
            case .notRunning, .invalidTarget, .exportInsideFiles, .unknownRelease: self.init(message: error.description, exitCode: Self.dataError)
            case .notReady, .noFreePort: self.init(message: error.description, exitCode: Self.unavailable)
            case .missingDeployFiles, .notInstanceLogin, .dedicatedNotMigrated, .customizationUnavailable, .customizationSettings:
                self.init(message: error.description, exitCode: Self.configuration)
            case .noLogin: self.init(message: error.description, exitCode: Self.dataError)
            }
        case let error as DatabaseSetupError:
            self.init(message: error.description, exitCode: Self.configuration)
        case let error as UserInputError:
            self.init(message: error.message, exitCode: Self.dataError)
        case let error as PooledCopyPurge.Refusal:
            self.init(message: error.description, exitCode: Self.dataError)
        case let error as PersonalDataErasure.Refusal:
            self.init(message: error.description, exitCode: Self.dataError)
        case let error as TenantTransferError:
            self.init(message: error.description, exitCode: Self.dataError)
        case let error as CellError:
            switch error {
            case .notFound: self.init(message: error.description, exitCode: Self.notFound)
            // A conflict with the cell's state, as an illegal tenant transition: retrying the
            // same command does not help until an operator changes something.
            case .invalidInput, .conflict: self.init(message: error.description, exitCode: Self.dataError)
            case .unusable: self.init(message: error.description, exitCode: Self.unavailable)
            }
        case let error as CellMoveError:
            self.init(message: error.description, exitCode: Self.dataError)
        case let error as TenantFence.Refusal:
            self.init(message: error.description, exitCode: Self.dataError)
        case let error as TenantFence.AppendsInFlight:
            self.init(message: error.description, exitCode: Self.temporaryFailure)
        default:
            return nil
        }
    }

    private init(postgres error: PostgresError) {
        let exitCode: ExitCode = switch error.kind {
        case .connectionFailed, .connectionLost, .connectionClosed, .poolExhausted, .poolClosed, .timedOut:
            Self.unavailable
        default:
            error.isDatabaseUnavailable ? Self.unavailable
                : error.sqlState == .undefinedTable || error.sqlState == .invalidSchemaName ? Self.configuration : .failure
        }
        self.init(message: error.description, exitCode: exitCode)
    }
}

/// Input that parsed but makes no sense (e.g. an unknown expected-version word).
struct UserInputError: Error {
    var message: String
}
