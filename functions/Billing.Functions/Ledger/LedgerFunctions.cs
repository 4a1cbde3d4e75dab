using System.Globalization;
using System.Text.Json.Nodes;
using Billing.Domain.Ledger;
using Billing.Domain.Partners;
using Billing.Functions.Infrastructure;
using Billing.Storage.Ledger;

namespace Billing.Functions.Ledger;

/// <summary>
/// Finance's ledger routes (HTTP-only, forwarded): GET v1/ledger/verify, v1/ledger/reconcile, v1/ledger/balances?payer=,
/// v1/ledger/proof/{entryId}. One class because they share the audit and the access rule; each has its own function folder.
/// </summary>
public sealed class LedgerFunctions(PartnerDirectory partners, LedgerAudit audit, LedgerStore ledger, AnchorStore anchors)
{
    private async Task<IResult?> DenyAsync(HttpRequest request, bool payersMayRead, CancellationToken cancellationToken)
    {
        var caller = await partners.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return Problem.Unauthorized().ToResult();
        }

        if (caller.Role == PartnerRole.Finance)
        {
            return null;
        }

        string? payer = request.Query["payer"];
        return payersMayRead && caller.IsPayer && payer == caller.Id ? null : Problem.Forbidden("the ledger is for finance (payers may read their own balances)").ToResult();
    }

    public async Task<IResult> VerifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await DenyAsync(request, false, cancellationToken).ConfigureAwait(false) is { } denied)
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
            ["problems"] = new JsonArray(result.Problems.Select(p => (JsonNode?)p.ToString()).ToArray()),
            ["details"] = new JsonArray(result.Problems.Select(p => (JsonNode?)p.ToJson()).ToArray()),
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    public async Task<IResult> ReconcileAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await DenyAsync(request, false, cancellationToken).ConfigureAwait(false) is { } denied)
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
        if (await DenyAsync(request, true, cancellationToken).ConfigureAwait(false) is { } denied)
        {
            return denied;
        }

        var balances = await ledger.BalancesAsync(LedgerEntries.MainBook, cancellationToken).ConfigureAwait(false);
        string? payer = request.Query["payer"];
        if (!string.IsNullOrEmpty(payer))
        {
            balances = balances.ForPayer(payer);
        }

        var rows = new JsonArray(balances.All
            .OrderBy(b => b.Account, StringComparer.Ordinal).ThenBy(b => b.Asset, StringComparer.Ordinal)
            .Select(b => (JsonNode?)new JsonObject { ["account"] = b.Account, ["asset"] = b.Asset, ["amount"] = b.Amount.ToString(CultureInfo.InvariantCulture) })
            .ToArray());
        return Results.Text(new JsonObject { ["payer"] = payer, ["balances"] = rows }.ToJsonString(), "application/json");
    }

    /// <summary>The Merkle inclusion proof of one entry in the anchor that covers it.</summary>
    public async Task<IResult> ProofAsync(HttpRequest request, string entryId, CancellationToken cancellationToken)
    {
        if (await DenyAsync(request, false, cancellationToken).ConfigureAwait(false) is { } denied)
        {
            return denied;
        }

        string book = LedgerEntries.MainBook;
        var entry = await ledger.GetAsync(book, entryId, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return new Problem(404, "Not found", $"no ledger entry '{entryId}'").ToResult();
        }

        var anchor = (await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(a => a.FromSeq <= entry.Sequence && entry.Sequence <= a.ToSeq);
        if (anchor is null)
        {
            return new Problem(409, "Not anchored yet", $"entry {entryId} (sequence {entry.Sequence}) is not covered by an anchor yet; the AnchorLedger timer will anchor it").ToResult();
        }

        var hashes = new List<string>();
        await foreach (var e in ledger.ReadAsync(book, anchor.FromSeq, cancellationToken).ConfigureAwait(false))
        {
            if (e.Sequence > anchor.ToSeq)
            {
                break;
            }

            hashes.Add(e.Hash);
        }

        int index = checked((int)(entry.Sequence - anchor.FromSeq));
        var proof = MerkleTree.Proof(hashes, index);
        var body = new JsonObject
        {
            ["entryId"] = entry.EntryId,
            ["sequence"] = entry.Sequence,
            ["hash"] = entry.Hash,
            ["anchor"] = new JsonObject
            {
                ["fromSeq"] = anchor.FromSeq,
                ["toSeq"] = anchor.ToSeq,
                ["root"] = anchor.RootHex,
                ["memo"] = anchor.Memo,
                ["signature"] = anchor.Signature,
                ["slot"] = anchor.Slot,
                ["status"] = anchor.Status.ToString().ToLowerInvariant(),
            },
            ["proof"] = new JsonArray(proof.Select(p => (JsonNode?)new JsonObject { ["sibling"] = p.SiblingHex, ["isLeft"] = p.IsLeft }).ToArray()),
            ["verified"] = MerkleTree.Verify(entry.Hash, proof, anchor.RootHex),
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }
}
