using Billing.Domain;
using Stripe;
using DomainInvoice = Billing.Domain.Invoicing.Invoice;

namespace Billing.Payments;

/// <summary>
/// Pushes a closed invoice to Stripe: customer (created or reused) → draft invoice → one invoice item per line → finalize.
/// <para>
/// Every request carries an idempotency key derived only from our ids (<c>billing-customer-{payer}</c>,
/// <c>billing-invoice-{invoiceId}</c>, <c>…-line-{n}</c>, <c>…-finalize</c>), so a replayed or retried period close sends
/// the same keys and Stripe answers with the original objects instead of creating a second invoice. Stripe keeps keys for
/// at least 24 hours and rejects a reused key whose parameters differ; callers should therefore persist the returned
/// <see cref="StripeSyncResult.Synced.StripeInvoiceId"/> and not sync an invoice that already has one.
/// </para>
/// Stripe errors (<see cref="StripeException"/>) propagate: the period close decides whether to retry.
/// </summary>
public sealed partial class StripeInvoiceSync
{
    public const string PayerMetadataKey = "billing_payer";
    public const string InvoiceIdMetadataKey = "billing_invoice_id";
    public const string PeriodMetadataKey = "billing_period";
    public const string LineMetadataKey = "billing_line";

    private readonly StripeOptions _options;
    private readonly ILogger<StripeInvoiceSync> _logger;
    private readonly StripeClient? _client;

    public StripeInvoiceSync(StripeConnection connection, ILogger<StripeInvoiceSync> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(logger);
        _options = connection.Options;
        _logger = logger;
        _client = connection.Client; // shared with the payment confirmation: one pooled HTTP connection to Stripe
    }

    /// <summary>True when a secret key is configured.</summary>
    public bool Enabled => _client is not null;

    /// <summary>
    /// Creates (or, on replay, idempotently re-reads) the Stripe invoice for <paramref name="invoice"/> and finalizes it.
    /// </summary>
    /// <param name="invoice">Our invoice, normally finalized (void is refused). Lines may be negative (adjustment credits).</param>
    /// <param name="existingCustomerId">The payer's Stripe customer from an earlier sync; null creates (idempotently) one.</param>
    /// <param name="cancellationToken">Cancels the HTTP requests.</param>
    public async Task<StripeSyncResult> SyncAsync(DomainInvoice invoice, string? existingCustomerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.Status == InvoiceStatus.Void)
        {
            // A voided invoice must never become payable in Stripe; its reissue (-r{n}) is synced instead.
            throw new ArgumentException($"Invoice {invoice.Id} is void; sync its reissue instead.", nameof(invoice));
        }

        string invoiceId = invoice.Id.ToString();
        if (_client is null)
        {
            LogSyncDisabled(_logger, invoiceId);
            return StripeSyncResult.Disabled.Instance;
        }

        string currency = invoice.Currency.Code.ToLowerInvariant(); // Stripe currency codes are lower-case ISO 4217

        string customerId = string.IsNullOrWhiteSpace(existingCustomerId)
            ? await CreateCustomerAsync(invoice.Payer, cancellationToken).ConfigureAwait(false)
            : existingCustomerId;

        var invoices = new InvoiceService(_client);
        Stripe.Invoice draft = await invoices.CreateAsync(
            new InvoiceCreateOptions
            {
                Customer = customerId,
                Currency = currency,
                CollectionMethod = "send_invoice",
                DaysUntilDue = _options.DaysUntilDue,

                // We finalize explicitly below; Stripe's automatic advancement would race with the item creation.
                AutoAdvance = false,

                // Only the items we attach below belong on this invoice, never unrelated pending items of the customer.
                PendingInvoiceItemsBehavior = "exclude",
                Metadata = new Dictionary<string, string>
                {
                    [InvoiceIdMetadataKey] = invoiceId,
                    [PeriodMetadataKey] = invoice.Period.ToString(),
                },
            },
            Idempotent(InvoiceKey(invoiceId)),
            cancellationToken).ConfigureAwait(false);

        var items = new InvoiceItemService(_client);
        for (int i = 0; i < invoice.Lines.Count; i++)
        {
            int lineNumber = i + 1;
            InvoiceLine line = invoice.Lines[i];
            await items.CreateAsync(
                new InvoiceItemCreateOptions
                {
                    Customer = customerId,
                    Invoice = draft.Id,
                    Amount = line.Amount.MinorUnits, // exact minor units; negative for credits
                    Currency = currency,
                    Description = Describe(line),
                    Metadata = new Dictionary<string, string>
                    {
                        [InvoiceIdMetadataKey] = invoiceId,
                        [LineMetadataKey] = lineNumber.ToString(CultureInfo.InvariantCulture),
                    },
                },
                Idempotent(LineKey(invoiceId, lineNumber)),
                cancellationToken).ConfigureAwait(false);
        }

        Stripe.Invoice finalized = await invoices.FinalizeInvoiceAsync(
            draft.Id,
            new InvoiceFinalizeOptions { AutoAdvance = false },
            Idempotent(FinalizeKey(invoiceId)),
            cancellationToken).ConfigureAwait(false);

        LogSynced(_logger, invoiceId, finalized.Id, customerId, invoice.Lines.Count);
        return new StripeSyncResult.Synced(customerId, finalized.Id, finalized.HostedInvoiceUrl);
    }

    /// <summary>Idempotency key of the payer's customer creation.</summary>
    public static string CustomerKey(string payer) => $"billing-customer-{payer}";

    /// <summary>Idempotency key of the invoice creation.</summary>
    public static string InvoiceKey(string invoiceId) => $"billing-invoice-{invoiceId}";

    /// <summary>Idempotency key of the invoice item for 1-based line <paramref name="lineNumber"/>.</summary>
    public static string LineKey(string invoiceId, int lineNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"billing-invoice-{invoiceId}-line-{lineNumber}");

    /// <summary>Idempotency key of the finalization.</summary>
    public static string FinalizeKey(string invoiceId) => $"billing-invoice-{invoiceId}-finalize";

    /// <summary>
    /// Item text shown to the customer: <c>{description} ({quantity} {unit})</c>, e.g. <c>Data offload (12345 DC)</c>.
    /// Lines without a unit (minimum commitment, prior-period adjustments) show just the description, because a bare
    /// "(1)" would mean nothing to the reader.
    /// </summary>
    public static string Describe(InvoiceLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (string.IsNullOrWhiteSpace(line.Unit))
        {
            return line.Description;
        }

        // "0.############################" drops trailing zeros of the decimal's scale (1.500000 → 1.5) without exponents.
        string quantity = line.Quantity.ToString("0.############################", CultureInfo.InvariantCulture);
        return $"{line.Description} ({quantity} {line.Unit})";
    }

    private async Task<string> CreateCustomerAsync(string payer, CancellationToken cancellationToken)
    {
        Customer customer = await new CustomerService(_client).CreateAsync(
            new CustomerCreateOptions
            {
                Name = payer,
                Metadata = new Dictionary<string, string> { [PayerMetadataKey] = payer },
            },
            Idempotent(CustomerKey(payer)),
            cancellationToken).ConfigureAwait(false);
        return customer.Id;
    }

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "Stripe sync is disabled (no secret key configured); skipping invoice {InvoiceId}")]
    private static partial void LogSyncDisabled(ILogger logger, string invoiceId);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "Invoice {InvoiceId} synced to Stripe invoice {StripeInvoiceId} (customer {StripeCustomerId}, {LineCount} lines)")]
    private static partial void LogSynced(ILogger logger, string invoiceId, string stripeInvoiceId, string stripeCustomerId, int lineCount);
}
