namespace Billing.Application.Burns;

/// <summary>
/// Drives burn intents pending → signed → submitted → finalized (docs/design.md §4.6). The rules that make a double burn impossible:
/// <list type="bullet">
/// <item>the signed bytes, signature and lastValidBlockHeight are stored before the first send;</item>
/// <item>while that blockhash is valid only those same bytes are (re)broadcast — the network dedups by signature;</item>
/// <item>every transaction of a burn sets the burn's marker before it burns (<c>BurnMarker</c>): once one landed, the chain fails
/// any other as a whole;</item>
/// <item>a new transaction is signed only after expiry is proven: finalized block height past lastValidBlockHeight, no status,
/// and the marker unset at that slot;</item>
/// <item>an RPC error never means "not landed": the signature status decides; a failure is final only in a finalized block;</item>
/// <item>a finalized burn is booked only if the transaction on chain is the row's burn (<c>BurnExecutor.Landed.cs</c>);</item>
/// <item>one executor per treasury at a time (an ETag lease), and one burn in flight per treasury, counting a row that cannot
/// be read but carries a signature;</item>
/// <item>nothing is signed while a credit note that may have sent money back stands against the invoice, and never for more than
/// the cash received net of credits (<c>BurnExecutor.Credits.cs</c>);</item>
/// <item>nothing is signed for a row that is not the burn of its invoice's records, and what it converts is derived from them, the
/// tokens from a quote obtained at signing (<c>BurnExecutor.Sources.cs</c>).</item>
/// </list>
/// </summary>
public sealed partial class BurnExecutor(
    BurnStore burns,
    ISolanaRpcClient rpc,
    IPriceOracle oracle,
    TreasuryProvider treasuryProvider,
    ILedgerRecorder ledger,
    CreditNoteStore creditNotes,
    RefundStore refunds,
    PaymentStore payments,
    InvoiceStore invoices,
    Payments.PaymentConfirmation confirmation,
    LedgerName ledgerName,
    IOptions<BurnOptions> options,
    TimeProvider time,
    ILogger<BurnExecutor> logger)
{
    private readonly string owner = Guid.NewGuid().ToString("N");
    private readonly SignatureStatusChecker checker = new(rpc);
    private int running; // one run at a time in this instance (1 while a run is in progress)

    /// <summary>Works the open intents of the treasury, oldest first, one in flight at a time.</summary>
    public async Task<BurnRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        if (!treasuryProvider.IsConfigured)
        {
            return new BurnRunSummary(false, 0, 0, "no treasury configured (Billing:Solana)");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Exchange(ref running, 1) == 1)
        {
            return new BurnRunSummary(false, 0, 0, "another run is in progress in this instance");
        }

        try
        {
            var treasury = await treasuryProvider.GetAsync(cancellationToken).ConfigureAwait(false);
            var o = options.Value;
            var lease = await burns.TryAcquireLeaseAsync(treasury.Name, owner, o.LeaseDuration, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (!lease.Acquired)
            {
                LogLeaseBusy(logger, treasury.Name);
                return new BurnRunSummary(false, 0, 0, "another executor holds the treasury lease");
            }

            if (lease.Unreadable is { } why)
            {
                LogLeaseUnreadable(logger, treasury.Name, why);
            }

            int finalized = 0, waiting = 0;
            var deadline = time.GetUtcNow() + o.LeaseDuration - o.ConfirmationWait - TimeSpan.FromSeconds(5);
            try
            {
                indexCompleteInThisRun = false;
                var open = await burns.ListOpenAsync(cancellationToken).ConfigureAwait(false);
                bool unreadableInFlight = false;
                foreach (var bad in open.Unreadable)
                {
                    LogUnreadable(logger, bad.Id, bad.Reason);
                    if (bad.MayBeInFlight)
                    {
                        // One burn in flight per treasury holds for a row we cannot read too: its transaction may be out.
                        LogUnreadableInFlight(logger, bad.Id);
                        unreadableInFlight = true;
                    }
                }

                foreach (var intent in open.Items)
                {
                    if (time.GetUtcNow() > deadline)
                    {
                        break;
                    }

                    if (unreadableInFlight && intent.Status is not (BurnStatus.Signed or BurnStatus.Submitted))
                    {
                        waiting++; // sent ones are still driven to the end; nothing new is signed
                        continue;
                    }

                    var outcome = await DriveIsolatedAsync(intent, treasury, cancellationToken).ConfigureAwait(false);
                    if (outcome == StepOutcome.Done)
                    {
                        finalized++;
                        continue;
                    }

                    waiting++;
                    if (outcome == StepOutcome.InFlight)
                    {
                        break; // one burn in flight per treasury: the next waits until this one settles
                    }
                }
            }
            finally
            {
                await burns.ReleaseLeaseAsync(treasury.Name, owner, CancellationToken.None).ConfigureAwait(false);
            }

            return new BurnRunSummary(true, finalized, waiting, null);
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }

    /// <summary>
    /// One intent's step, so that no intent can stop the others: a deterministic defect (an overflowing conversion, an amount
    /// that cannot be booked, a corrupt row) ends it failed with the reason; a transient error (RPC, storage) leaves it for the
    /// next run. Either way the loop moves on, unless the intent is in flight: then nothing else is sent until it settles.
    /// </summary>
    private async Task<StepOutcome> DriveIsolatedAsync(BurnIntent open, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        bool inFlight = open.Status is BurnStatus.Signed or BurnStatus.Submitted;
        try
        {
            return await DriveAsync(open.Id, treasury, cancellationToken).ConfigureAwait(false);
        }
        catch (IntentUnreadableException ex)
        {
            // Its row was changed outside the platform since it was listed: never acted on, nor marked failed (over the evidence).
            LogUnreadable(logger, open.Id, ex.Message);
            return inFlight ? StepOutcome.InFlight : StepOutcome.Waiting;
        }
        catch (Exception ex) when (!inFlight && ex is OverflowException or ArgumentException or FormatException or InvalidDataException or InvalidOperationException)
        {
            LogFailedDeterministic(logger, ex, open.Id);
            return await FailAsync(open.Id, $"cannot be executed: {ex.Message}", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SolanaRpcException or SolanaRpcTransportException or RequestFailedException or HttpRequestException or TimeoutException)
        {
            LogTransientError(logger, ex, open.Id);
            return inFlight ? StepOutcome.InFlight : StepOutcome.Waiting;
        }
    }

    private async Task<StepOutcome> DriveAsync(string burnId, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        confirmedInThisDrive = null;
        for (int step = 0; step < 8; step++)
        {
            if (await ReadAsync(burnId, cancellationToken).ConfigureAwait(false) is not var (intent, etag))
            {
                return StepOutcome.Done;
            }

            var next = intent.Status switch
            {
                BurnStatus.Pending or BurnStatus.Held => await HoldIfBookedAsync(intent, etag, cancellationToken).ConfigureAwait(false)
                    ?? await HoldOrSignAsync(intent, etag, treasury, cancellationToken).ConfigureAwait(false),
                BurnStatus.Signed or BurnStatus.Submitted => await AdvanceInFlightAsync(intent, etag, treasury, cancellationToken).ConfigureAwait(false),
                _ => (StepOutcome?)StepOutcome.Done,
            };
            if (next is { } outcome)
            {
                return outcome;
            }
        }

        return StepOutcome.InFlight;
    }

    /// <summary>Pending → signed, once nothing holds it and Stripe confirmed it (<see cref="HoldOrSignAsync"/>). Returns null to continue with the new state, or why it stopped.</summary>
    private async Task<StepOutcome?> SignAsync(BurnIntent intent, ETag etag, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!string.Equals(intent.Currency, "USD", StringComparison.Ordinal))
        {
            return await SaveAsync(intent with { Status = BurnStatus.Failed, Reason = $"payments in {intent.Currency} cannot be converted: the token price is quoted in USD", UpdatedAt = now }, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false);
        }

        if (intent.UsdMinor <= 0)
        {
            return await SaveAsync(intent with { Status = BurnStatus.Failed, Reason = $"nothing to burn: the amount is {intent.UsdMinor} minor units", UpdatedAt = now }, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false);
        }

        var (price, waitReason) = await UsablePriceAsync(now, cancellationToken).ConfigureAwait(false);
        if (price is null)
        {
            LogWaiting(logger, intent.Id, waitReason!);
            return await SaveAsync(intent with { Reason = waitReason, UpdatedAt = now }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        ulong amount;
        try
        {
            amount = TokenMath.UsdMinorToTokens(intent.UsdMinor, price, treasury.Decimals);
        }
        catch (OverflowException ex)
        {
            return await SaveAsync(intent with { Status = BurnStatus.Failed, Price = price, Reason = $"conversion overflows: {ex.Message}", UpdatedAt = now }, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false);
        }

        if (amount > long.MaxValue)
        {
            // The ledger books token amounts as signed 64-bit integers; a burn it cannot record must not happen.
            return await SaveAsync(intent with { Status = BurnStatus.Failed, Price = price, Reason = $"{amount} base units is more than the ledger can book (2^63-1)", UpdatedAt = now }, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false);
        }

        var priced = intent with { Price = price, TokenAmount = amount, Decimals = treasury.Decimals, Mint = treasury.Mint.ToString() };
        if (amount == 0)
        {
            return await SaveAsync(priced with { Status = BurnStatus.Skipped, Reason = $"{intent.UsdMinor} minor units at {price} USD/token is less than one base unit; nothing to burn", UpdatedAt = now }, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false);
        }

        var balance = await rpc.GetTokenAccountBalanceAsync(treasury.TokenAccount, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        if (balance.Amount < amount)
        {
            string reason = $"insufficient treasury balance: {balance.Amount} base units available, {amount} needed; nothing was burned";
            LogWaiting(logger, intent.Id, reason);
            return await SaveAsync(priced with { Reason = reason, UpdatedAt = now }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        var (rent, noSol) = await MarkerRentAsync(treasury, cancellationToken).ConfigureAwait(false);
        if (noSol is not null)
        {
            LogWaiting(logger, intent.Id, noSol);
            return await SaveAsync(priced with { Reason = noSol, UpdatedAt = now }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        var blockhash = await rpc.GetLatestBlockhashAsync(Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        string? unusable = blockhash.LastValidBlockHeight > long.MaxValue
            ? $"the RPC node's blockhash is valid to block height {blockhash.LastValidBlockHeight}, more than storage holds"
            : await checker.CheckBlockhashAsync(blockhash.LastValidBlockHeight, cancellationToken).ConfigureAwait(false);
        if (unusable is not null)
        {
            // Only its expiry lets an unlanded burn be signed again: on a blockhash expiring far ahead it would stay in flight,
            // and the treasury with it; on one expired already it could never land, and would be signed again at once.
            string reason = unusable + "; nothing was signed";
            LogWaiting(logger, intent.Id, reason);
            return await SaveAsync(priced with { Reason = reason, UpdatedAt = now }, etag, StepOutcome.Waiting, cancellationToken).ConfigureAwait(false);
        }

        var builder = new TransactionBuilder().SetFeePayer(treasury.Owner).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(ComputeBudgetProgram.SetComputeUnitLimit(options.Value.ComputeUnitLimit));
        if (options.Value.ComputeUnitPrice > 0)
        {
            builder.AddInstruction(ComputeBudgetProgram.SetComputeUnitPrice(options.Value.ComputeUnitPrice));
        }

        // The marker before the burn: if any transaction of this burn landed, this one fails as a whole before it burns.
        foreach (var instruction in BurnMarker.For(treasury.Owner, ledgerName.Value, intent.Id).Set(rent))
        {
            builder.AddInstruction(instruction);
        }

        var transaction = builder
            .AddInstruction(TokenProgram.BurnChecked(treasury.TokenAccount, treasury.Mint, treasury.Owner.PublicKey, amount, treasury.Decimals))
            .AddInstruction(MemoProgram.NewMemo(intent.Memo, treasury.Owner.PublicKey))
            .BuildTransaction()
            .Sign(treasury.Owner);
        var signed = priced with
        {
            Status = BurnStatus.Signed,
            Transaction = Convert.ToBase64String(transaction.Serialize()),
            Signature = transaction.Id,
            LastValidBlockHeight = blockhash.LastValidBlockHeight,
            Signings = intent.Signings + 1,
            Reason = null,
            UpdatedAt = now,
        };

        // Durable before it can possibly be sent.
        if (await burns.TryReplaceAsync(signed, etag, cancellationToken).ConfigureAwait(false) is null)
        {
            return StepOutcome.InFlight; // someone else moved it; look again next run
        }

        LogTransition(logger, intent.Id, "pending", "signed", signed.Signature!);
        return null;
    }

    /// <summary>Signed/submitted: look at the chain first, then rebroadcast the same bytes or, after proven expiry, go back to pending.</summary>
    private async Task<StepOutcome?> AdvanceInFlightAsync(BurnIntent intent, ETag etag, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        var check = await checker.CheckAsync(intent.Signature!, cancellationToken).ConfigureAwait(false);
        switch (check.Outcome)
        {
            case SignatureOutcome.Landed when check.Status!.HasReached(Commitment.Finalized):
                return await FinalizeAsync(intent, etag, check.Status.Slot, treasury, cancellationToken).ConfigureAwait(false);
            case SignatureOutcome.Landed or SignatureOutcome.Failed when !check.Status!.HasReached(Commitment.Finalized):
                // Not final either way: a block the cluster drops may hold it, and the same bytes may still land (or fail) elsewhere.
                return await WaitForFinalityAsync(intent, etag, treasury, cancellationToken).ConfigureAwait(false);
        }

        var (marker, unreadable) = MarkerOfSigned(intent);
        if (unreadable is not null)
        {
            LogStaysInFlight(logger, intent.Id, unreadable);
            return await StayInFlightAsync(intent, etag, unreadable, cancellationToken).ConfigureAwait(false);
        }

        if (check.Outcome == SignatureOutcome.Failed)
        {
            return await FailedOnChainAsync(intent, etag, marker, check.Status!, cancellationToken).ConfigureAwait(false);
        }

        // Not found. Only a block height past lastValidBlockHeight, and no status and an unset marker where that height was seen,
        // prove it can never land; short of that the same bytes go out again (harmless: they land once at most) and the chain is
        // asked again. A transaction signed before markers is proven expired from the node's history instead.
        var expiry = await checker.CheckExpiryAsync(intent.Signature!, intent.LastValidBlockHeight!.Value, marker?.Address, cancellationToken).ConfigureAwait(false);
        if (expiry.CanNeverLand)
        {
            LogExpired(logger, intent.Id, intent.Signature!, intent.LastValidBlockHeight.Value);
            return await SaveAsync(intent with { Status = BurnStatus.Pending, Transaction = null, Reason = $"transaction {intent.Signature} expired unlanded (blockhash valid to height {intent.LastValidBlockHeight}); re-signing", UpdatedAt = time.GetUtcNow() }, etag, null, cancellationToken).ConfigureAwait(false);
        }

        string? sendError = null;
        try
        {
            await rpc.SendTransactionAsync(Convert.FromBase64String(intent.Transaction!), new SendTransactionOptions(SkipPreflight: intent.Status == BurnStatus.Submitted, PreflightCommitment: Commitment.Confirmed, MaxRetries: null), cancellationToken).ConfigureAwait(false);
        }
        catch (SolanaRpcException ex)
        {
            // Includes AlreadyProcessed (it landed) and BlockhashNotFound (node lag or expiry): neither is proof of anything.
            sendError = ex.Message;
        }
        catch (SolanaRpcTransportException ex)
        {
            sendError = "no answer from the RPC node: " + ex.Message;
        }

        string? reason = (sendError, expiry.Unprovable) switch
        {
            (null, null) => null,
            (null, { } unprovable) => unprovable + "; the same bytes were sent again",
            ({ } error, null) => $"last send: {error}",
            ({ } error, { } unprovable) => $"{unprovable}; last send: {error}",
        };
        var submitted = intent with { Status = BurnStatus.Submitted, Reason = reason, UpdatedAt = time.GetUtcNow() };
        var newEtag = await burns.TryReplaceAsync(submitted, etag, cancellationToken).ConfigureAwait(false);
        if (newEtag is null)
        {
            return StepOutcome.InFlight;
        }

        if (intent.Status == BurnStatus.Signed)
        {
            LogTransition(logger, intent.Id, "signed", "submitted", intent.Signature!);
        }

        return await WaitForFinalityAsync(submitted, newEtag.Value, treasury, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StepOutcome?> WaitForFinalityAsync(BurnIntent intent, ETag etag, TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + options.Value.ConfirmationWait;
        while (true)
        {
            var check = await checker.CheckAsync(intent.Signature!, cancellationToken).ConfigureAwait(false);
            if (check.Outcome == SignatureOutcome.Landed && check.Status!.HasReached(Commitment.Finalized))
            {
                return await FinalizeAsync(intent, etag, check.Status.Slot, treasury, cancellationToken).ConfigureAwait(false);
            }

            if (check.Outcome == SignatureOutcome.Failed && check.Status!.HasReached(Commitment.Finalized))
            {
                return null; // the in-flight step records the failure
            }

            if (time.GetUtcNow() >= until)
            {
                return StepOutcome.InFlight;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<StepOutcome?> SaveAsync(BurnIntent updated, ETag etag, StepOutcome? outcome, CancellationToken cancellationToken) =>
        await burns.TryReplaceAsync(updated, etag, cancellationToken).ConfigureAwait(false) is null ? StepOutcome.InFlight : outcome;
}
