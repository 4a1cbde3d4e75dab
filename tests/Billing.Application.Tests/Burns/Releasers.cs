using Billing.Tests.Shared;

namespace Billing.Application.Tests.Burns;

/// <summary>Finance's releaser over one test's tables, as the app wires it; the tests run the executor themselves (its trigger's background run fails and is logged).</summary>
internal static class Releasers
{
    /// <summary>A releaser over <paramref name="tables"/>, asking Stripe through <paramref name="confirmation"/> (default: no key, tables on this machine).</summary>
    public static BurnReleaser New(BillingTables tables, PaymentConfirmation? confirmation = null, TimeProvider? time = null) =>
        new(new BurnStore(tables), new InvoiceStore(tables), new PaymentStore(tables), new CreditNoteStore(tables), new RefundStore(tables), new LedgerStore(tables, TestSeals.Keys),
            confirmation ?? StripeConfirmations.Local(tables), CreditNoteSetup.Trigger(), time ?? TimeProvider.System);
}
