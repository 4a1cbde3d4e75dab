namespace Billing.Application.Burns;

/// <summary>A finalized burn is booked as the chain shows it, never as its row says alone.</summary>
public sealed partial class BurnExecutor
{
    /// <summary>
    /// Landed and final: the transaction fetched and compared with the intent, booked in the ledger, then marked finalized.
    /// An intent leaves the open list only once its burn is booked, so a booking that fails (a ledger that cannot be read, a
    /// storage error) is retried by the next run instead of never; meanwhile it stays in flight, and no other burn is sent
    /// that the books could not show either. A transaction that is not this burn (its row changed in storage: another
    /// amount, mint or signature), or signed by a treasury key that is neither today's nor a retired one listed, is never
    /// booked: it stays in flight with the reason until the row is repaired or the key listed.
    /// </summary>
    private async Task<StepOutcome?> FinalizeAsync(BurnIntent intent, ETag etag, ulong slot, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        var tx = await rpc.GetTransactionAsync(intent.Signature!, Commitment.Finalized, cancellationToken).ConfigureAwait(false);
        if (tx is null)
        {
            // Final by its status, not yet served by this node: looked up again next run, and said on the burn, since the
            // treasury's other burns wait for it (a node without the transaction history would hold them for ever).
            LogLandedNotFetched(logger, intent.Id, intent.Signature!);
            return await StayInFlightAsync(intent, etag, $"landed and final by its status, but the RPC node does not serve transaction {intent.Signature} yet; looked up again on every run, and no other burn is sent meanwhile", cancellationToken).ConfigureAwait(false);
        }

        if ((Mismatch(tx, intent, treasury) ?? FiatMismatch(intent)) is { } why)
        {
            string reason = $"the landed transaction {intent.Signature} does not match this burn: {why}; not booked, and no other burn is sent meanwhile";
            LogLandedMismatch(logger, intent.Id, reason);
            return await StayInFlightAsync(intent, etag, reason, cancellationToken).ConfigureAwait(false);
        }

        var finalized = intent with { Status = BurnStatus.Finalized, Slot = slot, Reason = null, UpdatedAt = time.GetUtcNow() };
        try
        {
            await ledger.TokensBurnedAsync(finalized, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            LogNotBooked(logger, intent.Id, intent.Signature!, ex.Message);
            return StepOutcome.InFlight;
        }
        catch (LedgerConflictException ex)
        {
            // Deterministic: every run would meet the same entry. Said on the burn rather than ending the run with it.
            string reason = $"landed, but the ledger already books {ex.Incoming.EntryId} otherwise (entry {ex.Existing.Book}#{ex.Existing.Sequence}); not booked again, and no other burn is sent until the ledger and the row agree";
            LogStaysInFlight(logger, intent.Id, reason);
            return await StayInFlightAsync(intent, etag, reason, cancellationToken).ConfigureAwait(false);
        }

        var saved = await SaveAsync(finalized, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false);
        if (saved == StepOutcome.Done)
        {
            LogTransition(logger, intent.Id, intent.Status.ToString().ToLowerInvariant(), "finalized", intent.Signature!);
        }

        return saved;
    }

    /// <summary>A landed burn that cannot be booked yet stays in flight, saying why; the row is written only when the why changes.</summary>
    private async Task<StepOutcome?> StayInFlightAsync(BurnIntent intent, ETag etag, string reason, CancellationToken cancellationToken) =>
        intent.Reason == reason
            ? StepOutcome.InFlight
            : await SaveAsync(intent with { Reason = reason, UpdatedAt = time.GetUtcNow() }, etag, StepOutcome.InFlight, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Why <paramref name="tx"/> is not the burn <paramref name="intent"/> describes, held to the current treasury owner or,
    /// when its fee payer is a retired one (<see cref="BurnOptions.RetiredTreasuryOwners"/>), to that one: a burn signed
    /// before a change of the treasury key is booked like any other, and only when the key that paid for it signed it and
    /// burned with it, as the executor builds every burn. Its expiry was never at stake: that is proven from the marker its
    /// own bytes name (<see cref="MarkerOfSigned"/>), whichever key signs today.
    /// </summary>
    private string? Mismatch(TransactionInfo tx, BurnIntent intent, TreasuryAccount treasury)
    {
        string current = treasury.Owner.PublicKey.ToString();
        string? why = Mismatch(tx, intent, current);
        return why is not null && KeyAt(tx, 0) is { } payer && payer != current && options.Value.RetiredOwners().Contains(payer, StringComparer.Ordinal)
            ? Mismatch(tx, intent, payer)
            : why;
    }

    /// <summary>
    /// Why <paramref name="tx"/> is not the burn <paramref name="intent"/> describes, or null when it is: a successful
    /// transaction signed by the treasury <paramref name="owner"/>, carrying the intent's memo and one token instruction,
    /// a BurnChecked of the intent's amount and decimals of its mint, by the treasury.
    /// </summary>
    private static string? Mismatch(TransactionInfo tx, BurnIntent intent, string owner)
    {
        if (tx.Meta is null || tx.Meta.Error is not null)
        {
            return "it did not succeed";
        }

        if (!tx.IsSigner(owner))
        {
            // The fee payer signs every transaction: after a change of the treasury key, the old key, which the operator may list.
            return KeyAt(tx, 0) is { } payer && tx.IsSigner(payer)
                ? $"the treasury {owner} did not sign it; if {payer}, which signed it, was the treasury's owner before a key change, list it in {BurnOptions.RetiredTreasuryOwnersSetting}"
                : $"the treasury {owner} did not sign it";
        }

        if (!SignedMemoReader.Memos(tx).Contains(intent.Memo, StringComparer.Ordinal))
        {
            return $"it carries no memo '{intent.Memo}'";
        }

        string tokenProgram = TokenProgram.ProgramIdKey.ToString();
        var token = tx.Instructions.Where(ix => KeyAt(tx, ix.ProgramIdIndex) == tokenProgram).ToList();
        if (token.Count != 1)
        {
            return $"it has {token.Count} token instructions, a burn has one";
        }

        var burn = token[0];
        if (!TokenProgram.TryReadBurnChecked(burn.Data, out ulong amount, out byte decimals))
        {
            return "its token instruction is no BurnChecked";
        }

        if (amount != intent.TokenAmount || decimals != intent.Decimals)
        {
            return string.Create(CultureInfo.InvariantCulture, $"its burn amount is {amount} base units at {decimals} decimals, the row's {intent.TokenAmount} at {intent.Decimals}");
        }

        if (burn.Accounts.Count != 3 || KeyAt(tx, burn.Accounts[1]) != intent.Mint || KeyAt(tx, burn.Accounts[2]) != owner)
        {
            return $"it does not burn mint {intent.Mint} with the authority of the treasury {owner}";
        }

        return null;
    }

    /// <summary>
    /// Why the row's fiat side is not what its tokens were burned for: its amount at its price converts to another number of base
    /// units than it burned (the amount or price was rewritten after signing). The ledger entry books both sides, so neither is
    /// booked from a row that disagrees with itself. Null when it agrees.
    /// </summary>
    private static string? FiatMismatch(BurnIntent intent)
    {
        if (intent.Price is not { } price)
        {
            return "the row carries no price its tokens were converted at";
        }

        ulong converted;
        try
        {
            converted = TokenMath.UsdMinorToTokens(intent.UsdMinor, price, intent.Decimals);
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentException)
        {
            return $"the row's {intent.UsdMinor} minor units at {price} USD/token cannot be converted ({ex.Message})";
        }

        return converted == intent.TokenAmount ? null
            : string.Create(CultureInfo.InvariantCulture, $"the row's {intent.UsdMinor} minor units at {price} USD/token convert to {converted} base units, not the {intent.TokenAmount} it burned");
    }

    private static string? KeyAt(TransactionInfo tx, int index) => index >= 0 && index < tx.AccountKeys.Count ? tx.AccountKeys[index] : null;
}
