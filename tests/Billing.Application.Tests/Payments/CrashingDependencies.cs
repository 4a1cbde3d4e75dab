using Billing.Application.Tests.Ledger;

namespace Billing.Application.Tests.Payments;

/// <summary>
/// Real dependencies of the payment processor that "die" at one step of the payment protocol, so the crash tests need
/// no hook in production code: "marked" (the unsettled marker is written), "recorded" (the payment row exists, nothing
/// is booked), "booked" (the ledger has the payment, no burn intent yet), "burn" (the burn intent is stored, the invoice
/// status is not yet updated). The crash is an <see cref="OperationCanceledException"/>, which nothing catches.
/// </summary>
internal static class CrashingDependencies
{
    /// <summary>The same tables (same prefix) through a client that throws right after the matching write succeeded.</summary>
    public static BillingTables Tables(string connectionString, BillingTables real, string point)
    {
        return TablesPolicy.Through(connectionString, real, new CrashAfterWrite(point)); // outside the retry policy
    }

    private sealed class CrashAfterWrite(string point) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            ThrowIfCrashPoint(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            ThrowIfCrashPoint(message);
        }

        private void ThrowIfCrashPoint(HttpMessage message)
        {
            if (message.Response.IsError)
            {
                return;
            }

            string path = Uri.UnescapeDataString(message.Request.Uri.Path);
            string method = message.Request.Method.Method;
            bool hit = point switch
            {
                "marked" => method == "PUT" && path.Contains("payments(PartitionKey='|unsettled'", StringComparison.Ordinal),
                "burn" => method == "POST" && path.EndsWith("burns", StringComparison.Ordinal),
                _ => false,
            };
            if (hit)
            {
                throw new OperationCanceledException($"simulated crash after {point}");
            }
        }
    }
}

/// <summary>The real ledger recorder, crashing just before ("recorded") or just after ("booked") booking a payment.</summary>
internal sealed class CrashingLedgerRecorder(ILedgerRecorder inner, string point) : DelegatingLedgerRecorder(inner)
{
    public override async Task PaymentAppliedAsync(PaymentRecord payment, CancellationToken cancellationToken)
    {
        if (point == "recorded")
        {
            throw new OperationCanceledException("simulated crash after recording");
        }

        await base.PaymentAppliedAsync(payment, cancellationToken);
        if (point == "booked")
        {
            throw new OperationCanceledException("simulated crash after booking");
        }
    }
}
