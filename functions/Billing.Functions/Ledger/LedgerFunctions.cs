using System.Globalization;
using System.Text.Json.Nodes;
using Billing.Domain.Ledger;
using Billing.Domain.Partners;
using Billing.Functions.Infrastructure;
using Billing.Solana.Rpc;
using Billing.Storage.Ledger;

namespace Billing.Functions.Ledger;

/// <summary>
/// Finance's ledger routes (HTTP-only, forwarded): GET v1/ledger/verify, v1/ledger/reconcile, v1/ledger/balances?payer=,
/// v1/ledger/proof/{entryId}, v1/ledger/entries?from=&amp;limit=. One class because they share the audit and the access
/// rule; each has its own function folder. Every parameter is checked before storage is touched (bad input is a 400).
/// </summary>
public sealed class LedgerFunctions(PartnerDirectory partners, LedgerAudit audit, LedgerStore ledger, AnchorStore anchors, AnchorAuthority authority, ISolanaRpcClient rpc)
{
    public const int MaxEntriesPage = 1000;
    private const int MaxPayerLength = 128;

    private async Task<(IResult? Denied, Partner? Caller)> AuthorizeAsync(HttpRequest request, bool payersMayRead, CancellationToken cancellationToken)
    {
        var caller = await partners.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return (Problem.Unauthorized().ToResult(), null);
        }

        if (caller.Role == PartnerRole.Finance || payersMayRead && caller.IsPayer)
        {
            return (null, caller);
        }

        return (Problem.Forbidden("the ledger is for finance (payers may read their own balances and proofs)").ToResult(), caller);
    }

    public async Task<IResult> VerifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if ((await AuthorizeAsync(request, false, cancellationToken).ConfigureAwait(false)).Denied is { } denied)
        {
            return denied;
        }

        var result = await audit.VerifyAsync(cancellationToken).ConfigureAwait(false);
        var body = new JsonObject
        {
            ["ok"] = result.Ok,
            ["entries"] = result.Entries,
            ["anchors"] = result.Anchors,
            ["pendingAnchors"] = result.PendingAnchors,
            ["authority"] = result.Authority,
            ["ledger"] = result.Ledger,
            ["problems"] = new JsonArray(result.Problems.Select(p => (JsonNode?)p.ToString()).ToArray()),
            ["details"] = new JsonArray(result.Problems.Select(p => (JsonNode?)p.ToJson()).ToArray()),
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    public async Task<IResult> ReconcileAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if ((await AuthorizeAsync(request, false, cancellationToken).ConfigureAwait(false)).Denied is { } denied)
        {
            return denied;
        }

        var result = await audit.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        var body = new JsonObject
        {
            ["ok"] = result.Ok,
            ["invoices"] = result.Invoices,
            ["payments"] = result.Payments,
            ["burns"] = result.Burns,
            ["entries"] = result.Entries,
            ["mismatches"] = new JsonArray(result.Mismatches.Select(m => (JsonNode?)m.ToJson()).ToArray()),
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    public async Task<IResult> BalancesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (denied, caller) = await AuthorizeAsync(request, true, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        string? payer = request.Query.TryGetValue("payer", out var values) ? values.ToString() : null;
        if (payer is not null && (string.IsNullOrWhiteSpace(payer) || payer.Length > MaxPayerLength || payer.Trim() != payer || payer.Any(char.IsControl) || values.Count > 1))
        {
            return Problem.BadRequest("payer is not a partner id", new FieldError("payer", $"must be one partner id of 1-{MaxPayerLength} characters without spaces at the ends or control characters")).ToResult();
        }

        if (caller!.Role != PartnerRole.Finance && payer != caller.Id)
        {
            return Problem.Forbidden($"'{caller.Id}' may read only its own balances (payer={caller.Id})").ToResult();
        }

        var balances = await ledger.BalancesAsync(LedgerEntries.MainBook, cancellationToken).ConfigureAwait(false);
        if (payer is not null)
        {
            balances = balances.ForPayer(payer);
        }

        var rows = new JsonArray(balances.All
            .OrderBy(b => b.Account, StringComparer.Ordinal).ThenBy(b => b.Asset, StringComparer.Ordinal)
            .Select(b => (JsonNode?)new JsonObject { ["account"] = b.Account, ["asset"] = b.Asset, ["amount"] = b.Amount.ToString(CultureInfo.InvariantCulture) })
            .ToArray());
        return Results.Text(new JsonObject { ["payer"] = payer, ["balances"] = rows }.ToJsonString(), "application/json");
    }

    /// <summary>A page of entries with every hashed field, so an auditor can recompute the chain and the roots itself.</summary>
    public async Task<IResult> EntriesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if ((await AuthorizeAsync(request, false, cancellationToken).ConfigureAwait(false)).Denied is { } denied)
        {
            return denied;
        }

        var errors = new List<FieldError>();
        long from = 1;
        int limit = MaxEntriesPage;
        if (request.Query.TryGetValue("from", out var fromText) && !(long.TryParse(fromText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out from) && from >= 1))
        {
            errors.Add(new FieldError("from", "must be a sequence number ≥ 1"));
        }

        if (request.Query.TryGetValue("limit", out var limitText) && !(int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxEntriesPage))
        {
            errors.Add(new FieldError("limit", $"must be an integer from 1 to {MaxEntriesPage}"));
        }

        if (errors.Count > 0)
        {
            return Problem.BadRequest("invalid query parameters", [.. errors]).ToResult();
        }

        var page = new JsonArray();
        await foreach (var (entry, recordedAt) in ledger.ReadRecordedAsync(LedgerEntries.MainBook, from, cancellationToken).ConfigureAwait(false))
        {
            if (page.Count == limit)
            {
                break;
            }

            var json = LedgerEntryJson.ToJson(entry);
            json["recordedAt"] = recordedAt.ToString("O", CultureInfo.InvariantCulture); // storage's write time: for the anchoring deadline
            page.Add(json);
        }

        var head = await ledger.HeadAsync(LedgerEntries.MainBook, cancellationToken).ConfigureAwait(false);
        long? next = page.Count == limit ? from + limit : null;
        var body = new JsonObject
        {
            ["book"] = LedgerEntries.MainBook,
            ["head"] = new JsonObject { ["sequence"] = head.LastSequence, ["hash"] = head.LastHash },
            ["entries"] = page,
            ["next"] = next,
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    /// <summary>
    /// The Merkle inclusion proof of one entry in the on-chain anchor that covers it, with the entry's hashed fields and
    /// the anchor transaction. The anchor is taken from the chain (the table only says where to look); a verifier checks
    /// the transaction itself. Finance, and the payer the entry books, may read it.
    /// </summary>
    public async Task<IResult> ProofAsync(HttpRequest request, string entryId, CancellationToken cancellationToken)
    {
        var (denied, caller) = await AuthorizeAsync(request, true, cancellationToken).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (!LedgerValidation.IsValidEntryId(entryId))
        {
            return Problem.BadRequest("entryId is not an entry id", new FieldError("entryId", $"must be 1-{LedgerValidation.MaxEntryIdLength} characters without control characters")).ToResult();
        }

        string book = LedgerEntries.MainBook;
        var entry = await ledger.GetAsync(book, entryId, cancellationToken).ConfigureAwait(false);
        if (entry is null || caller!.Role != PartnerRole.Finance && entry.Metadata.GetValueOrDefault("payer") != caller.Id)
        {
            // A payer learns nothing about entries that are not its own.
            return new Problem(404, "Not found", $"no ledger entry '{entryId}'").ToResult();
        }

        var anchor = await CoveringAnchorAsync(book, entry.Sequence, cancellationToken).ConfigureAwait(false);
        if (anchor is null)
        {
            return new Problem(409, "Not anchored yet", $"entry {entryId} (sequence {entry.Sequence}) is not covered by an anchor on chain yet; the AnchorLedger timer will anchor it").ToResult();
        }

        var hashes = new List<string>();
        await foreach (var e in ledger.ReadAsync(book, anchor.Content.FromSeq, cancellationToken).ConfigureAwait(false))
        {
            if (e.Sequence > anchor.Content.ToSeq)
            {
                break;
            }

            hashes.Add(e.Hash);
        }

        int index = checked((int)(entry.Sequence - anchor.Content.FromSeq));
        if (hashes.Count != anchor.Content.ToSeq - anchor.Content.FromSeq + 1)
        {
            return new Problem(409, "Ledger damaged", $"entries of anchor {anchor.Range} are missing; run ledger verify").ToResult();
        }

        var proof = MerkleTree.Proof(hashes, index);
        var body = new JsonObject
        {
            ["entryId"] = entry.EntryId,
            ["sequence"] = entry.Sequence,
            ["hash"] = entry.Hash,
            ["entry"] = LedgerEntryJson.ToJson(entry),
            ["anchor"] = new JsonObject
            {
                ["ledger"] = anchor.Content.Ledger,
                ["book"] = anchor.Content.Book,
                ["fromSeq"] = anchor.Content.FromSeq,
                ["toSeq"] = anchor.Content.ToSeq,
                ["root"] = anchor.Content.RootHex,
                ["previousRoot"] = anchor.Content.PreviousRootHex,
                ["memo"] = AnchorMemo.Format(anchor.Content),
                ["signature"] = anchor.Signature,
                ["slot"] = anchor.Slot,
                ["authority"] = (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey.ToString(),
                ["status"] = "confirmed",
            },
            ["proof"] = new JsonArray(proof.Select(p => (JsonNode?)new JsonObject { ["sibling"] = p.SiblingHex, ["isLeft"] = p.IsLeft }).ToArray()),
            ["verified"] = MerkleTree.Verify(entry.Hash, proof, anchor.Content.RootHex),
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    /// <summary>The on-chain anchor covering <paramref name="sequence"/>: the table's row if the chain backs it, else a chain scan.</summary>
    private async Task<OnChainAnchor?> CoveringAnchorAsync(string book, long sequence, CancellationToken cancellationToken)
    {
        if (!authority.IsConfigured)
        {
            return null;
        }

        var key = (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey;
        var reader = new AnchorChainReader(rpc);
        var row = (await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(a => a.Status == AnchorStatus.Confirmed && a.Signature is not null && a.FromSeq <= sequence && sequence <= a.ToSeq);
        if (row is not null && await reader.GetAsync(key, authority.LedgerName, book, row.Signature!, cancellationToken).ConfigureAwait(false) is { } backed
            && backed.Content == row.Content)
        {
            return backed;
        }

        var (linked, _) = AnchorChain.Link(await reader.ReadAllAsync(key, authority.LedgerName, book, cancellationToken).ConfigureAwait(false));
        return linked.FirstOrDefault(a => a.Content.FromSeq <= sequence && sequence <= a.Content.ToSeq);
    }
}
