namespace Billing.Domain.Ledger;

/// <summary>
/// One leg of a ledger entry. Sign convention: a <b>positive</b> <paramref name="Amount"/> is a <b>debit</b> to
/// <paramref name="Account"/>, a <b>negative</b> one a <b>credit</b>. Amounts are integers in the asset's smallest unit
/// (cents for USD, base units for TOKEN); the postings of an entry sum to zero per asset.
/// </summary>
public sealed record Posting(string Account, string Asset, long Amount)
{
    public static Posting Debit(string account, string asset, long amount) =>
        new(account, asset, amount > 0 ? amount : throw new ArgumentOutOfRangeException(nameof(amount), amount, "A debit amount must be positive."));

    public static Posting Credit(string account, string asset, long amount) =>
        new(account, asset, amount > 0 ? -amount : throw new ArgumentOutOfRangeException(nameof(amount), amount, "A credit amount must be positive."));

    public bool IsDebit => Amount > 0;

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Account} {Asset} {Amount}");
}
