namespace Billing.Functions.LedgerProof;

/// <summary>
/// GET /api/v1/ledger/proof/{entryId}: the Merkle inclusion proof of one entry in the on-chain anchor that covers it, with
/// the entry's hashed fields and the anchor transaction (a verifier checks the transaction itself). Finance, and the payer
/// the entry books, may read it; to any other payer the entry does not exist. Only finance's proof may search the chain
/// for an anchor whose row is lost (<see cref="LedgerReader.ProofAsync(string, string?, bool, CancellationToken)"/>).
/// </summary>
public static class LedgerProofFunction
{
    /// <summary>
    /// Requests of one partner in flight here (<see cref="Http.InFlightPerPartner"/>): a proof reads the covering anchor's
    /// rows and its transaction from the RPC node, whose quota every anchor run and burn shares.
    /// </summary>
    public const int MaxInFlightPerPartner = 4;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) => app.MapLedgerGet<LedgerProofResponse>(
        "/api/v1/ledger/proof/{entryId}", "LedgerProof", HandleAsync, LedgerContract.FinanceAndPayers, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
        .LimitInFlightPerPartner(MaxInFlightPerPartner);

    public static async Task<Results<JsonHttpResult<LedgerProofResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext context, string entryId, LedgerReader reader, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        if (!LedgerValidation.IsValidEntryId(entryId))
        {
            return ApiProblems.BadRequest("entryId is not an entry id", new ApiFieldError("entryId", $"must be 1-{LedgerValidation.MaxEntryIdLength} characters without control characters"));
        }

        bool finance = caller.Role == PartnerRole.Finance;
        switch (await reader.ProofAsync(entryId, finance ? null : caller.Id, searchChain: finance, cancellationToken).ConfigureAwait(false))
        {
            case LedgerProofResult.Found found:
                var (entry, anchor) = (found.Entry, found.Anchor);
                var content = anchor.Content;
                var body = new LedgerProofResponse(
                    entry.EntryId,
                    entry.Sequence,
                    entry.Hash,
                    LedgerContract.ToView(entry),
                    new LedgerAnchorView(content.Ledger, content.Book, content.FromSeq, content.ToSeq, content.RootHex, content.PreviousRootHex,
                        AnchorMemo.Format(content), anchor.Signature, anchor.Slot, found.Authority, "confirmed"),
                    [.. found.Proof.Select(p => new MerkleStepView(p.SiblingHex, p.IsLeft))],
                    found.Verified);
                return TypedResults.Json(body, BillingJsonContext.Default.LedgerProofResponse);
            case LedgerProofResult.NotAnchored notAnchored:
                return ApiProblems.Of(StatusCodes.Status409Conflict, "Not anchored yet",
                    $"entry {entryId} (sequence {notAnchored.Entry.Sequence}) is not covered by an anchor on chain yet; the AnchorLedger timer will anchor it");
            case LedgerProofResult.Damaged damaged:
                return ApiProblems.StorageIntegrity(StatusCodes.Status409Conflict, "Ledger damaged", $"entries of anchor {damaged.Anchor.Range} are missing; run ledger verify");
            case LedgerProofResult.Unreadable unreadable:
                return LedgerContract.Unreadable(caller.Role, unreadable.Reason);
            default:
                return ApiProblems.NotFound($"no ledger entry '{entryId}'");
        }
    }
}
