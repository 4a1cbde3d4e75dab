using Billing.Tests.Shared;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// One fresh ledger (own tables on Azurite, the anchor authority on the localnet) wired as the function app wires it:
/// the arrange step the ledger tests share.
/// </summary>
internal sealed record LedgerTestSetup(BillingTables Tables, LedgerStore Ledger, AnchorStore Anchors, LedgerAnchorService Anchoring,
    LedgerRecorder Recorder, InvoiceStore Invoices, PaymentStore Payments, BurnStore Burns, SolanaRpcClient Rpc, AnchorAuthority Authority,
    IOptions<LedgerOptions> Options)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public static async Task<LedgerTestSetup> NewAsync(BurnChainFixture chain, LedgerOptions? ledgerOptions = null)
    {
        var tables = await chain.Azurite.NewTablesAsync();
        var ledger = new LedgerStore(tables, TestSeals.Keys);
        var anchors = new AnchorStore(tables);
        await ledger.EnsureCreatedAsync(Ct);
        await anchors.EnsureCreatedAsync(Ct);
        var rpc = chain.Localnet.CreateClient();
        var treasury = new TreasuryProvider(Microsoft.Extensions.Options.Options.Create(new SolanaOptions { LocalnetInfoFile = chain.Localnet.InfoFile }), rpc);
        var options = Microsoft.Extensions.Options.Options.Create(ledgerOptions ?? new LedgerOptions());
        var authority = new AnchorAuthority(options, treasury, tables);
        return new LedgerTestSetup(tables, ledger, anchors,
            new LedgerAnchorService(ledger, anchors, rpc, authority, Pinner(tables), options, TimeProvider.System, NullLogger<LedgerAnchorService>.Instance),
            new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System), new InvoiceStore(tables), new PaymentStore(tables), new BurnStore(tables), rpc, authority, options);
    }

    /// <summary>
    /// The same tables and chain after the anchor authority changed to a dedicated keypair (funded here): as a deployment
    /// whose treasury signed anchors looks once <c>dedicatedAnchorKeypair</c> is turned on, or the treasury key is rotated.
    /// </summary>
    /// <param name="chain">The localnet.</param>
    /// <param name="keypairJson">The new authority's keypair.</param>
    /// <param name="retired">The public keys listed in <c>Billing:Ledger:RetiredAnchorAuthorities</c>.</param>
    public async Task<LedgerTestSetup> WithNewAuthorityAsync(BurnChainFixture chain, string keypairJson, params string[] retired)
    {
        using var key = Billing.Solana.Keys.Keypair.FromJson(keypairJson);
        await Rpc.RequestAirdropAsync(key.PublicKey, 1_000_000_000, Commitment.Confirmed, Ct);
        var treasury = new TreasuryProvider(Microsoft.Extensions.Options.Options.Create(new SolanaOptions { LocalnetInfoFile = chain.Localnet.InfoFile }), Rpc);
        var settings = new LedgerOptions
        {
            AnchorKeypair = keypairJson, AnchorInterval = Options.Value.AnchorInterval, AnchorGrace = Options.Value.AnchorGrace,
        };
        foreach (string earlier in retired)
        {
            settings.RetiredAnchorAuthorities.Add(earlier);
        }

        var options = Microsoft.Extensions.Options.Options.Create(settings);
        var authority = new AnchorAuthority(options, treasury, Tables);
        return this with
        {
            Authority = authority, Options = options,
            Anchoring = new LedgerAnchorService(Ledger, Anchors, Rpc, authority, Pinner(Tables), options, TimeProvider.System, NullLogger<LedgerAnchorService>.Instance),
        };
    }

    /// <summary>A new keypair as Solana CLI JSON (seed then public key), as an operator would put it in Key Vault.</summary>
    public static string NewKeypairJson()
    {
        byte[] seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        using var key = Billing.Solana.Keys.Keypair.FromSeed(seed);
        return "[" + string.Join(',', seed.Concat(key.PublicKey.KeyBytes.ToArray())) + "]";
    }

    /// <summary>The anchor timer's partner pinning on <paramref name="tables"/>, as the function app wires it (a fresh one knows no checked entries).</summary>
    public static PartnerAuditPinner Pinner(BillingTables tables) =>
        new(new LedgerStore(tables, TestSeals.Keys), new PartnerStore(tables), new PartnerPinCursor(tables), TimeProvider.System, NullLogger<PartnerAuditPinner>.Instance);

    /// <summary>The anchor timer's run as of <paramref name="time"/> (the chain's block times stay the localnet's clock).</summary>
    public LedgerAnchorService AnchoringAt(TimeProvider time) =>
        new(Ledger, Anchors, Rpc, Authority, Pinner(Tables), Options, time, NullLogger<LedgerAnchorService>.Instance);

    /// <summary>Verify and reconcile as of <paramref name="time"/> (default: now).</summary>
    public LedgerAudit Audit(TimeProvider? time = null) =>
        new(Ledger, Anchors, Invoices, Payments, Burns, new CreditNoteStore(Tables), new RefundStore(Tables), new InvoicePaymentLinkStore(Tables), new FactStore(Tables), new PartnerStore(Tables), Rpc, Authority, Options, Microsoft.Extensions.Options.Options.Create(new Billing.Application.Invoicing.InvoicingOptions()), time ?? TimeProvider.System);

    /// <summary>Books a USD adjustment of <paramref name="cents"/> for carrier-x under <paramref name="id"/>.</summary>
    public async Task BookAsync(string id, long cents)
    {
        var draft = new LedgerEntryDraft(id, LedgerEntryKind.Adjustment, DateTimeOffset.UtcNow,
            [Posting.Debit("adjustment:carrier-x", "USD", cents), Posting.Credit("revenue:usage", "USD", cents)], new Dictionary<string, string> { ["payer"] = "carrier-x" });
        await Ledger.AppendAsync(LedgerEntries.MainBook, draft, Ct);
    }

    /// <summary>Books one adjustment per amount (adj-1, adj-2, …) and anchors them once.</summary>
    public async Task<AnchorRunSummary> BookAndAnchorAsync(params long[] cents)
    {
        for (int i = 0; i < cents.Length; i++)
        {
            await BookAsync($"adj-{i + 1}", cents[i]);
        }

        return await Anchoring.RunAsync(Ct);
    }

    /// <summary>
    /// The insider puts <paramref name="value"/> into <paramref name="property"/> of a row of the ledger (or, with
    /// <paramref name="anchors"/>, the anchors) table of the main book: a value of a type the platform never writes there.
    /// </summary>
    public async Task PlantAsync(string rowKey, string property, object value, bool anchors = false)
    {
        var table = anchors ? Anchors.Table : Ledger.Table;
        var row = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), rowKey)).Value;
        row[property] = value;
        await table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
    }

    /// <summary>
    /// The insider's edit: the amounts of entry <paramref name="sequence"/> set to <paramref name="newCents"/>, then every
    /// entry re-hashed and re-linked, the id rows and the head rewritten to match (<see cref="LedgerForgery"/>).
    /// </summary>
    public Task RewriteAsync(long sequence, long newCents) => LedgerForgery.RewriteAmountAsync(Ledger, sequence, newCents);

    /// <summary>
    /// The insider's plant: the head moved back one entry (to the one before the last), so the last entry, correctly linked,
    /// lies past the head; with <paramref name="dropIdRow"/> its id row goes too.
    /// </summary>
    public async Task RewindHeadAsync(bool dropIdRow = false)
    {
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        var entries = await Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);
        var (before, last) = (entries[^2], entries[^1]);
        var head = (await Ledger.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>(pk, LedgerStore.HeadRowKey)).Value;
        head["LastSequence"] = before.Sequence;
        head["LastHash"] = before.Hash;
        head["LastEntryId"] = before.EntryId;
        await Ledger.Table.UpdateEntityAsync(head, head.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        if (dropIdRow)
        {
            await Ledger.Table.DeleteEntityAsync(pk, LedgerStore.IdRowKey(last.EntryId));
        }
    }

    /// <summary>Puts <paramref name="memo"/> on the localnet signed (and paid) by <paramref name="signer"/>; returns the transaction id once sent.</summary>
    public Task<string> SendMemoAsync(Billing.Solana.Keys.Keypair signer, string memo) => LocalnetFixture.SendMemoAsync(Rpc, signer, memo, Ct);

    /// <summary>Takes the signer out of every anchor row: rows as a deployment wrote them before rows recorded their signer.</summary>
    public async Task ForgetSignersAsync()
    {
        foreach (var row in Anchors.Table.Query<Azure.Data.Tables.TableEntity>(r => r.PartitionKey == LedgerStore.PartitionKey(LedgerEntries.MainBook)).ToList())
        {
            row.Remove("Signer");
            await Anchors.Table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        }
    }

    /// <summary>The insider deletes every anchor row (the chain keeps the memos).</summary>
    public async Task DeleteAnchorRowsAsync()
    {
        foreach (var row in Anchors.Table.Query<Azure.Data.Tables.TableEntity>().ToList())
        {
            await Anchors.Table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }
    }
}
