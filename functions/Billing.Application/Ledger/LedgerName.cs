namespace Billing.Application.Ledger;

/// <summary>
/// The deployment's name on chain (<see cref="LedgerOptions.Name"/>, else the table prefix, else "billing"): in every
/// anchor memo, and in every burn marker's seed, so deployments sharing a key keep their anchors and their burns apart.
/// Fixed for the life of a deployment, as written on chain.
/// </summary>
public sealed class LedgerName(IOptions<LedgerOptions> options, BillingTables tables)
{
    public string Value { get; } = Resolve(options.Value.Name, tables.Options.TablePrefix);

    public static string Resolve(string? configured, string? tablePrefix) =>
        !string.IsNullOrEmpty(configured) ? configured : AnchorMemo.IsValidLedger(tablePrefix) ? tablePrefix! : "billing";

    public override string ToString() => Value;
}
