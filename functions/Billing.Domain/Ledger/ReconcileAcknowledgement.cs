using System.Collections.Frozen;

namespace Billing.Domain.Ledger;

/// <summary>
/// Finance's word that one reconcile finding was settled outside the platform (docs/design.md §4.19): evidence, not money
/// (<see cref="LedgerEntryKind.ReconcileAcknowledged"/>, no postings), so the book's hash chain and anchors cover who said
/// it, when and why. It names the finding by kind, subject and the SHA-256 of its detail: when the detail changes (more
/// money went back, another amount is owed), the finding is a new one and reconcile reports it again.
/// </summary>
public sealed record ReconcileAcknowledgement(string Kind, string Subject, string DetailSha256, string Note, string By, DateTimeOffset At)
{
    public const string IdPrefix = "reconcile-ack:";

    /// <summary>The longest note: a reason on one line, like a burn release's.</summary>
    public const int MaxNoteChars = 500;

    private const string KindKey = "finding.kind";
    private const string SubjectKey = "finding.subject";
    private const string DetailKey = "finding.detailSha256";
    private const string NoteKey = "note";
    private const string ByKey = "acknowledgedBy";

    /// <summary>The entry id: one per finding and detail, so acknowledging it again (a retried request) is the same booking.</summary>
    public string EntryId => Id(Kind, Subject, DetailSha256);

    public static string Id(string kind, string subject, string detailSha256)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(subject);
        // Length-prefixed, so no two findings digest the same bytes.
        string fields = string.Create(CultureInfo.InvariantCulture, $"{kind.Length}:{kind}{subject.Length}:{subject}{detailSha256}");
        return IdPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fields)));
    }

    public static string DigestOf(string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(detail)));
    }

    /// <summary>
    /// The kinds that are settled outside the platform by design, so finance may acknowledge them: money recorded unapplied
    /// (a payment or a credit note), an overpayment, a shortfall, money that went back after or outside a burn, a refund no
    /// invoice of ours is found for, a burn that failed, a dispute (open, lost, unplaced or malformed: Stripe and finance settle it). Nothing else: a row that cannot be read is repaired, work the platform
    /// finishes itself is retried, and a booking missing or wrong in the book (<c>InvoiceNotBooked</c>, <c>PaymentNotBooked</c>,
    /// <c>BurnAmountMismatch</c>, …) is a fault of the platform, which an acknowledgement would hide for good.
    /// </summary>
    private static readonly FrozenSet<string> Acknowledgeable = new[]
    {
        "PaymentCurrencyMismatch", "PaymentUnknownCurrency", "PaymentMalformedAmount", "PaymentForUnknownInvoice",
        "PaymentForUnpayableInvoice", "PaymentSourceCurrencyChanged", "PaymentCustomerMismatch", "PaymentStripeInvoiceMismatch", "PaymentSourceUnapplied",
        "PaymentInvoiceMetadataMismatch", "PaymentUnknownStripeInvoice", "PaymentPaidOutOfBand", "PaymentLivemodeMismatch",
        "PaymentUnapplied", "CustomerCredit", "InvoicePartiallyPaid", "CreditNoteAfterBurn", "CreditNoteDuringBurn",
        "CreditNoteVoidReopened", "RefundWithoutCreditNote", "RefundUnmatched", "RefundMalformedAmount", "ReleasedBurnExceedsKept",
        "BurnFailed", "DisputeOpen", "DisputeLost", "DisputeUnplaced", "DisputeMalformed",
    }
    .Concat(Enum.GetNames<Credits.CreditNoteReason>().Where(r => r != nameof(Credits.CreditNoteReason.None)).Select(r => "CreditNote" + r)) // a note recorded unapplied
    .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether a finding of <paramref name="kind"/> may be acknowledged (see <see cref="Acknowledgeable"/>).</summary>
    public static bool CanAcknowledge(string kind) => kind is not null && Acknowledgeable.Contains(kind);

    /// <summary>Whether <paramref name="prefix"/> can name a detail as its caller saw it: the first 8 to 64 lower-case hex digits of its SHA-256.</summary>
    public static bool IsDigestPrefix(string? prefix) =>
        prefix is { Length: >= 8 and <= 64 } && prefix.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>The ledger entry that records it.</summary>
    /// <exception cref="LedgerValidationException">A kind, subject or note the metadata cannot hold.</exception>
    public LedgerEntryDraft ToDraft() => new(
        EntryId,
        LedgerEntryKind.ReconcileAcknowledged,
        At,
        [],
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KindKey] = Kind,
            [SubjectKey] = Subject,
            [DetailKey] = DetailSha256,
            [NoteKey] = Note,
            [ByKey] = By,
        });

    /// <summary>
    /// The acknowledgement an entry records; null for any other entry, one whose hash does not match what it holds (changed
    /// since it was booked), or one not under the id its finding gives (a copy booked under another id counts for nothing).
    /// </summary>
    public static ReconcileAcknowledgement? From(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != LedgerEntryKind.ReconcileAcknowledged || !entry.HashIsValid
            || !entry.Metadata.TryGetValue(KindKey, out var kind) || !entry.Metadata.TryGetValue(SubjectKey, out var subject)
            || !entry.Metadata.TryGetValue(DetailKey, out var detail) || !LedgerEncoding.IsHash(detail))
        {
            return null;
        }

        var acknowledgement = new ReconcileAcknowledgement(kind, subject, detail, entry.Metadata.GetValueOrDefault(NoteKey, ""), entry.Metadata.GetValueOrDefault(ByKey, ""), entry.OccurredAt);
        return acknowledgement.EntryId == entry.EntryId ? acknowledgement : null;
    }
}
