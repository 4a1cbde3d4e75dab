using Billing.Domain.Ledger;

namespace Billing.Tests.Shared;

/// <summary>
/// The ledger's seal keys in tests (<see cref="LedgerSealKeys"/>): the local key, the one the functions host uses against
/// the storage emulator when <c>Billing:Ledger:SealKey</c> is not set. The one place every directly built ledger store takes them from.
/// </summary>
internal static class TestSeals
{
    public static LedgerSealKeys Keys => LedgerSealKeys.Local;
}
