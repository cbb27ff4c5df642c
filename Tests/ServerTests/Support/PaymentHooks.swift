import Provisioning
import TenantryServer

/// A payment hook that lets every move through (a tenant with a card on file).
struct ApprovingPaymentHook: PaymentHook {
    func authorizePlanChange(of tenant: TenantState, to plan: Plan) async throws {}
}

/// A payment hook whose provider says the tenant must add a card.
struct RefusingPaymentHook: PaymentHook {
    func authorizePlanChange(of tenant: TenantState, to plan: Plan) async throws {
        throw PaymentRequired("add a card first", paymentURL: "https://billing.example/add-card")
    }
}

/// A payment hook whose provider cannot be reached.
struct FailingPaymentHook: PaymentHook {
    struct ProviderDown: Error {}

    func authorizePlanChange(of tenant: TenantState, to plan: Plan) async throws {
        throw ProviderDown()
    }
}
