using Billing.Application.Tests.Payments;

namespace Billing.Application.Tests.Ledger;

/// <summary>Reconcile with a writer run at an exact point of it (<see cref="InterleavingTables"/>): the in-flight tests' shared steps.</summary>
internal static class InFlightReconcile
{
    /// <summary>
    /// Reconcile through tables that run <paramref name="meanwhile"/> right after its first request to <paramref name="table"/>'s rows
    /// (or, given <paramref name="marker"/>, to an address containing it).
    /// </summary>
    public static async Task<ReconciliationResult> WithAsync(AzuriteFixture azurite, CreditNoteSetup s, string table, Func<Task> meanwhile, string? marker = null)
    {
        var (tables, hook) = InterleavingTables.Create(azurite.ConnectionString, s.Tables, marker ?? $"{s.Tables.Options.TablePrefix}{table}()", meanwhile);
        var result = await ReconcileOnlyLedger.AuditOver(tables).ReconcileAsync(CancellationToken.None);
        Assert.True(hook.Fired);
        return result;
    }

    public static string Findings(ReconciliationResult result) => string.Join("; ", result.Mismatches);
}
