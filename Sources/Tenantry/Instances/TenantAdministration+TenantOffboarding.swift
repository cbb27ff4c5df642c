public import Instances

/// Destroying an instance offboards its tenant the way `tenant offboard` does.
extension TenantAdministration: TenantOffboarding {}
