namespace Billing.Domain.Tests.Ledger;

public class LedgerEntriesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 5, 0, TimeSpan.Zero);

    private static InvoiceLine Line(string meter, long cents, string? group = null) =>
        new(meter, meter + " line", group is null ? null : new Dictionary<string, string> { ["gpuModel"] = group }, 1m, null, 0m, new Money(cents, Currency.USD));

    private static Invoice Invoice(InvoiceStatus status, params InvoiceLine[] lines) =>
        new(new InvoiceId("carrier-tmo", new BillingPeriod(2026, 10)), "carrier-standard-v1", status, Currency.USD, lines);

    private static long Amount(LedgerEntryDraft d, string account) => d.Postings.Single(p => p.Account == account).Amount;

    [Fact]
    public void Constructor_UnbalancedInOneAsset_ThrowsNamingTheAsset()
    {
        var ex = Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft("x", LedgerEntryKind.Adjustment, At,
        [
            new Posting("a:1", "USD", 100), new Posting("a:2", "USD", -100),
            new Posting("t:1", "TOKEN", 5), new Posting("t:2", "TOKEN", -4),
        ]));

        Assert.Single(ex.Problems);
        Assert.Contains("TOKEN do not balance", ex.Problems[0], StringComparison.Ordinal);
        Assert.Contains("= 1", ex.Problems[0], StringComparison.Ordinal);
        Assert.Equal("x", ex.EntryId);
    }

    [Fact]
    public void Constructor_BalancedAcrossAssetsButNotPerAsset_Throws()
    {
        // +100 USD and -100 TOKEN sum to zero overall, but each asset must balance on its own.
        var ex = Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft("x", LedgerEntryKind.Adjustment, At,
            [new Posting("a:1", "USD", 100), new Posting("a:2", "TOKEN", -100)]));

        Assert.Equal(2, ex.Problems.Count);
    }

    [Fact]
    public void Constructor_HugeTokenAmounts_SumExactly()
    {
        var draft = new LedgerEntryDraft("x", LedgerEntryKind.Adjustment, At,
            [new Posting("a:1", "TOKEN", long.MaxValue), new Posting("a:2", "TOKEN", long.MaxValue), new Posting("a:3", "TOKEN", -long.MaxValue), new Posting("a:4", "TOKEN", -long.MaxValue)]);

        Assert.Equal(4, draft.Postings.Count);
    }

    public static TheoryData<string, Posting[]> InvalidPostings => new()
    {
        { "at least 2 postings", [new Posting("a:1", "USD", 0)] },
        { "amount is zero", [new Posting("a:1", "USD", 0), new Posting("a:2", "USD", 0)] },
        { "account ''", [new Posting("", "USD", 1), new Posting("a:2", "USD", -1)] },
        { "account 'a b'", [new Posting("a b", "USD", 1), new Posting("a:2", "USD", -1)] },
        { "account 'a\tb'", [new Posting("a\tb", "USD", 1), new Posting("a:2", "USD", -1)] },
        { "asset 'usd'", [new Posting("a:1", "usd", 1), new Posting("a:2", "usd", -1)] },
        { "out of range", [new Posting("a:1", "USD", long.MinValue), new Posting("a:2", "USD", long.MaxValue), new Posting("a:3", "USD", 1)] },
    };

    [Theory]
    [MemberData(nameof(InvalidPostings))]
    public void Constructor_InvalidPostings_ThrowsWithReason(string reason, Posting[] postings)
    {
        var ex = Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft("x", LedgerEntryKind.Adjustment, At, postings));

        Assert.Contains(ex.Problems, p => p.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)] // a pair: an emoji
    [InlineData(true)]  // a lone high surrogate (built here: test data would not carry it intact)
    public void Constructor_AccountWithSurrogates_ProblemNamesCharactersBeyondTheBasicPlane(bool lone)
    {
        string account = "receivable:carrier-" + (lone ? "\uD83D" : "\U0001F600");

        var ex = Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft("x", LedgerEntryKind.Adjustment, At,
            [new Posting(account, "USD", 1), new Posting("a:2", "USD", -1)]));

        // Before: "… without whitespace or control characters", of an account that has neither.
        Assert.Contains(ex.Problems, p => p.Contains("no surrogates (so no characters beyond U+FFFF", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public void Constructor_InvalidEntryId_Throws(string id)
    {
        Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft(id, LedgerEntryKind.Adjustment, At, [new Posting("a:1", "USD", 1), new Posting("a:2", "USD", -1)]));
    }

    [Fact]
    public void InvoiceFinalized_MixedLines_DebitsReceivableAndCreditsRevenuePerAccount()
    {
        var invoice = Invoice(InvoiceStatus.Finalized,
            Line("gpu.seconds", 12_000, "H100"),
            Line("gpu.seconds", 3_000, "A100"),
            Line("offload.bytes", 450),
            Line(InvoiceLine.MinimumCommitmentMeter, 1_000),
            Line(InvoiceLine.PriorPeriodAdjustmentMeter, -250));

        LedgerEntryDraft d = LedgerEntries.InvoiceFinalized(invoice, At)!;

        Assert.Equal("invoice-finalized:INV-carrier-tmo-202610", d.EntryId);
        Assert.Equal(LedgerEntryKind.InvoiceFinalized, d.Kind);
        Assert.Equal(5, d.Postings.Count);
        Assert.All(d.Postings, p => Assert.Equal("USD", p.Asset));
        Assert.Equal(16_200, Amount(d, "receivable:carrier-tmo"));
        Assert.Equal(-15_000, Amount(d, "revenue:gpu.seconds"));
        Assert.Equal(-450, Amount(d, "revenue:offload.bytes"));
        Assert.Equal(-1_000, Amount(d, Accounts.RevenueMinimumCommitment));
        Assert.Equal(250, Amount(d, Accounts.RevenuePriorPeriodAdjustment));
        Assert.Equal("INV-carrier-tmo-202610", d.Metadata["invoiceId"]);
        Assert.Equal("carrier-tmo", d.Metadata["payer"]);
        Assert.Equal("2026-10", d.Metadata["period"]);
    }

    [Fact]
    public void InvoiceFinalized_WithThePayersAuditPin_CarriesItInTheMetadataAndReadsBack()
    {
        var pin = new PartnerAuditPin(5, new string('a', 64));

        var pinned = LedgerEntries.InvoiceFinalized(Invoice(InvoiceStatus.Finalized, Line("offload.bytes", 450)), At, pin)!;
        var unpinned = LedgerEntries.InvoiceFinalized(Invoice(InvoiceStatus.Finalized, Line("offload.bytes", 450)), At)!;

        Assert.Equal(("5", pin.Head), (pinned.Metadata[PartnerAuditPin.CountKey], pinned.Metadata[PartnerAuditPin.HeadKey]));
        Assert.Equal(pin, PartnerAuditPin.Read(pinned.Metadata));
        Assert.Null(PartnerAuditPin.Read(unpinned.Metadata));
        Assert.Equal(unpinned.Postings, pinned.Postings); // the pin is evidence, never money
    }

    [Theory]
    [InlineData("0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("-1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("5", "not-a-hash")]
    [InlineData("5", null)]
    [InlineData(null, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void PartnerAuditPinRead_HalfOrMalformedPin_ThrowsFormatException(string? count, string? head)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (count is not null)
        {
            metadata[PartnerAuditPin.CountKey] = count;
        }

        if (head is not null)
        {
            metadata[PartnerAuditPin.HeadKey] = head;
        }

        Assert.Throws<FormatException>(() => PartnerAuditPin.Read(metadata));
    }

    [Fact]
    public void InvoiceFinalized_NoCharges_ReturnsNull()
    {
        Assert.Null(LedgerEntries.InvoiceFinalized(Invoice(InvoiceStatus.Finalized), At));
        Assert.Null(LedgerEntries.InvoiceFinalized(Invoice(InvoiceStatus.Paid, Line("offload.bytes", 0)), At));
    }

    [Fact]
    public void InvoiceFinalized_ZeroTotalWithOffsettingLines_BooksRevenueOnly()
    {
        LedgerEntryDraft d = LedgerEntries.InvoiceFinalized(Invoice(InvoiceStatus.Finalized, Line("offload.bytes", 500), Line(InvoiceLine.PriorPeriodAdjustmentMeter, -500)), At)!;

        Assert.Equal(2, d.Postings.Count);
        Assert.DoesNotContain(d.Postings, p => p.Account.StartsWith(Accounts.ReceivablePrefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(InvoiceStatus.Draft)]
    [InlineData(InvoiceStatus.Void)]
    public void InvoiceFinalized_NotFinalized_Throws(InvoiceStatus status)
    {
        Assert.Throws<ArgumentException>(() => LedgerEntries.InvoiceFinalized(Invoice(status, Line("offload.bytes", 1)), At));
    }

    [Fact]
    public void PaymentReceived_StripeLowerCaseCurrency_DebitsCashCreditsReceivable()
    {
        LedgerEntryDraft d = LedgerEntries.PaymentReceived("evt_123", "INV-carrier-tmo-202610", "carrier-tmo", 16_200, "usd", At)!;

        Assert.Equal("payment:evt_123", d.EntryId);
        Assert.Equal(LedgerEntryKind.PaymentReceived, d.Kind);
        Assert.Equal(16_200, Amount(d, Accounts.CashStripe));
        Assert.Equal(-16_200, Amount(d, "receivable:carrier-tmo"));
        Assert.All(d.Postings, p => Assert.Equal(Assets.Usd, p.Asset));
        Assert.Equal("evt_123", d.Metadata["stripeEventId"]);
        Assert.Null(LedgerEntries.PaymentReceived("evt_0", "INV-x-202610", "x", 0, "USD", At));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerEntries.PaymentReceived("evt_0", "INV-x-202610", "x", -1, "USD", At));
        Assert.Throws<ArgumentException>(() => LedgerEntries.PaymentReceived("evt_0", "INV-x-202610", "x", 1, "XYZ", At));
    }

    [Fact]
    public void TokensBurned_OneQuintillionBaseUnits_DebitsBurnedCreditsTreasury()
    {
        LedgerEntryDraft d = LedgerEntries.TokensBurned("burn-INV-x-202610", "INV-x-202610", 1_000_000_000_000_000_000UL, "5sig", 4242, At)!;

        Assert.Equal("burn:burn-INV-x-202610", d.EntryId);
        Assert.Equal(1_000_000_000_000_000_000L, Amount(d, Accounts.BurnedToken));
        Assert.Equal(-1_000_000_000_000_000_000L, Amount(d, Accounts.TreasuryToken));
        Assert.All(d.Postings, p => Assert.Equal(Assets.Token, p.Asset));
        Assert.Equal("5sig", d.Metadata["signature"]);
        Assert.Equal("4242", d.Metadata["slot"]);
        Assert.Null(LedgerEntries.TokensBurned("b", "i", 0, "s", null, At));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerEntries.TokensBurned("b", "i", (ulong)long.MaxValue + 1, "s", null, At));
    }

    [Fact]
    public void TokensBurned_FromBurnIntent_CarriesIntentFields()
    {
        var burn = new BurnIntent
        {
            Id = "burn-INV-x-202610", InvoiceId = "INV-x-202610", Payer = "x", PaymentId = "evt_1", UsdMinor = 100, Currency = "USD",
            Status = BurnStatus.Finalized, TokenAmount = 40_000_000, Decimals = 6, Mint = "Mint111", Signature = "sig", Slot = 9, CreatedAt = At,
        };

        LedgerEntryDraft d = LedgerEntries.TokensBurned(burn, At)!;

        Assert.Equal(40_000_000, Amount(d, Accounts.BurnedToken));
        Assert.Equal("x", d.Metadata["payer"]);
        Assert.Equal("Mint111", d.Metadata["mint"]);
        Assert.Equal("9", d.Metadata["slot"]);
        Assert.Throws<ArgumentException>(() => LedgerEntries.TokensBurned(burn with { Signature = null }, At));
        Assert.False(d.Metadata.ContainsKey("releasedBy")); // released by nobody
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // a planted note that is not well-formed text (a lone surrogate) is left out, never blocking the booking
    public void TokensBurned_ReleasedBurn_KeepsWhoReleasedItForHowMuchAndWhyOfTheReleaseThatStands(bool wellFormed)
    {
        string note = wellFormed ? "kept the rest after a goodwill refund" : "lone " + '\ud800' + " surrogate";
        string? kept = wellFormed ? note : null;
        var burn = new BurnIntent
        {
            Id = "burn-INV-x-202610", InvoiceId = "INV-x-202610", Payer = "x", PaymentId = "evt_1", UsdMinor = 7_000, Currency = "USD",
            Status = BurnStatus.Finalized, TokenAmount = 40_000_000, Decimals = 6, Signature = "sig", CreatedAt = At,
            Releases = [new("finance-lead", At.AddDays(-1), 9_000, 9_000, "superseded when a refund held it again"), new("finance-ops", At, 7_000, 7_000, note)],
        };

        LedgerEntryDraft d = LedgerEntries.TokensBurned(burn, At)!;

        Assert.Equal(("finance-ops", "7000"), (d.Metadata["releasedBy"], d.Metadata["releasedUsdMinor"]));
        Assert.Equal(kept, d.Metadata.GetValueOrDefault("releaseNote"));
    }

    [Fact]
    public void Adjustment_WriteOff_KeepsReasonAndPrefixesId()
    {
        LedgerEntryDraft d = LedgerEntries.Adjustment("wo-1", [Posting.Debit(Accounts.Adjustment("x"), "USD", 5), Posting.Credit(Accounts.Receivable("x"), "USD", 5)], "write-off", At);

        Assert.Equal("adjustment:wo-1", d.EntryId);
        Assert.Equal("write-off", d.Metadata["reason"]);
        Assert.Throws<LedgerValidationException>(() => LedgerEntries.Adjustment("wo-2", [Posting.Debit("a:x", "USD", 5), Posting.Credit("b:x", "USD", 4)], "r", At));
    }
}
