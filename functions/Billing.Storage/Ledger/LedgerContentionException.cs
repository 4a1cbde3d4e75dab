namespace Billing.Storage.Ledger;

/// <summary>Appending lost the race for the book head too many times in a row.</summary>
public sealed class LedgerContentionException(string book, int attempts)
    : InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Could not append to ledger book '{book}' after {attempts} attempts (concurrent writers)."));
