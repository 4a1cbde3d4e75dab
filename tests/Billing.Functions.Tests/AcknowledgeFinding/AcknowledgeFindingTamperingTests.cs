using Billing.Functions.Tests.StripeWebhook;
using Billing.Tests.Shared;

namespace Billing.Functions.Tests.AcknowledgeFinding;

/// <summary>
/// Reconcile acknowledgements against someone with storage access: an acknowledgement rewritten in its row, or one written
/// beside the book (past the head), hides nothing. Each test puts the book back as it was (the collection's tests run one at a
/// time): the tampering tests' own book assumes its first entries, so these share the payments' platform instead.
/// </summary>
[Collection(PlatformCollections.Payments)]
public class AcknowledgeFindingTamperingTests(PlatformFixture platform)
{
    private readonly SignedStripe stripe = new(platform);

    private readonly Acknowledgements acknowledgements = new(platform);

    private TableClient Ledger => stripe.Tables.Table(LedgerStore.TableName);

    /// <summary>A payment of an invoice this deployment never made, and its finding as reconcile lists it now.</summary>
    private async Task<(string EventId, JsonNode Finding)> UnappliedPaymentAsync()
    {
        string eventId = await acknowledgements.UnappliedPaymentAsync();
        return (eventId, Assert.Single((await FindingsAsync(eventId)).Open));
    }

    private Task<(JsonNode[] Open, JsonNode[] Acknowledged)> FindingsAsync(string subject) => acknowledgements.FindingsAsync(subject);

    private Task<(HttpStatusCode Status, JsonNode Body)> AcknowledgeAsync(string eventId, JsonNode finding) =>
        acknowledgements.PostAsync(Acknowledgements.Request("PaymentForUnknownInvoice", eventId, finding["detailSha256"]!.GetValue<string>()));

    [Fact]
    public async Task Reconcile_AcknowledgementRewrittenInItsRow_FindingOpenAgainAndAcknowledgingIt500()
    {
        var (eventId, finding) = await UnappliedPaymentAsync();
        var (_, body) = await AcknowledgeAsync(eventId, finding);
        string entryId = body["acknowledged"]![0]!["entryId"]!.GetValue<string>();
        var row = Ledger.Query<TableEntity>(e => e.PartitionKey == LedgerEntries.MainBook).Single(e => e.GetString("EntryId") == entryId && !e.RowKey.StartsWith("id", StringComparison.Ordinal));
        string metadata = row.GetString("Metadata");

        // The note rewritten: the entry no longer hashes to what it holds.
        row["Metadata"] = metadata.Replace("FIN-42", "FIN-43", StringComparison.Ordinal);
        await Ledger.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        try
        {
            var (open, acknowledged) = await FindingsAsync(eventId);
            var (status, problem) = await AcknowledgeAsync(eventId, finding);

            Assert.Single(open);
            Assert.Empty(acknowledged);
            Assert.Equal(HttpStatusCode.InternalServerError, status); // before: 200 "acknowledged", with nothing booked
            Assert.Contains($"ledger entry {entryId}", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, problem["type"]!.GetValue<string>()); // before: …/500
            Assert.Contains("changed outside the platform", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            row["Metadata"] = metadata;
            await Ledger.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        }

        Assert.Single((await FindingsAsync(eventId)).Acknowledged);
    }

    [Fact]
    public async Task Reconcile_AcknowledgementPlantedPastTheHead_HidesNothing()
    {
        var (eventId, finding) = await UnappliedPaymentAsync();
        var head = await new LedgerStore(stripe.Tables, TestSeals.Keys).HeadAsync(LedgerEntries.MainBook, CancellationToken.None);

        // An entry whose hash matches what it holds, as anyone can compute, written past the head without moving it.
        var draft = new ReconcileAcknowledgement("PaymentForUnknownInvoice", eventId, ReconcileAcknowledgement.DigestOf(finding["detail"]!.GetValue<string>()), "planted", "finance", DateTimeOffset.UtcNow).ToDraft();
        var entry = LedgerEntry.Seal(LedgerEntries.MainBook, head.LastSequence + 5, head.LastHash, draft);
        var metadata = new JsonObject();
        foreach (var (key, value) in entry.Metadata)
        {
            metadata[key] = value;
        }

        var planted = new TableEntity(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.SequenceRowKey(entry.Sequence))
        {
            ["Book"] = entry.Book, ["Sequence"] = entry.Sequence, ["EntryId"] = entry.EntryId, ["Kind"] = entry.Kind.ToString(),
            ["OccurredAtTicks"] = entry.OccurredAt.UtcTicks, ["OccurredAt"] = entry.OccurredAt, ["Postings"] = "[]",
            ["Metadata"] = metadata.ToJsonString(), ["PreviousHash"] = entry.PreviousHash, ["Hash"] = entry.Hash, ["Encoding"] = LedgerEncoding.VersionTag,
        };
        await Ledger.AddEntityAsync(planted);
        try
        {
            var (open, acknowledged) = await FindingsAsync(eventId);

            Assert.Single(open); // before: listed as acknowledged, and reconcile ok
            Assert.Empty(acknowledged);
        }
        finally
        {
            await Ledger.DeleteEntityAsync(planted.PartitionKey, planted.RowKey);
        }
    }
}
