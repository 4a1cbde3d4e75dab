namespace Billing.Cli.Demo;

/// <summary>A meter total the demo expects for a payer once metering has caught up.</summary>
public sealed record MeterTarget(string Payer, string Meter, decimal Expected);

/// <summary>Polls the month's usage totals until they reach what was sent and stop changing (or settle, or time out).</summary>
internal sealed class MeteringWait(ApiClient api, CliContext context, string financeKey, TimeSpan timeout)
{
    private const int StableRounds = 10;

    /// <param name="month">First day of the month.</param>
    /// <param name="targets">What to wait for.</param>
    /// <param name="perLine">Targets printed on one progress line.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task<bool> WaitAsync(DateOnly month, IReadOnlyList<MeterTarget> targets, int perLine, CancellationToken cancellationToken)
    {
        string from = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string to = month.AddMonths(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var deadline = context.Time.GetUtcNow() + timeout;
        decimal[]? previous = null;
        int unchanged = 0;
        while (true)
        {
            var totals = new decimal[targets.Count];
            for (int i = 0; i < targets.Count; i++)
            {
                totals[i] = await TotalAsync(targets[i].Payer, targets[i].Meter, from, to, cancellationToken).ConfigureAwait(false);
            }

            foreach (var line in targets.Select((t, i) => $"{t.Meter} {totals[i]:#,0} / {t.Expected:#,0}").Chunk(perLine))
            {
                context.Console.WriteLine("  " + string.Join("   ", line));
            }

            bool reached = targets.Select((t, i) => totals[i] >= t.Expected).All(r => r);
            unchanged = previous is not null && previous.SequenceEqual(totals) ? unchanged + 1 : 0;
            if (reached && unchanged > 0)
            {
                return true; // reached and no longer changing
            }

            if (unchanged >= StableRounds && totals.All(t => t > 0))
            {
                // Not what this run sent, but settled: e.g. storage that already holds a different run's events under
                // the same ids (those are conflicts, not counted twice). Carry on with what the platform metered.
                context.Console.WriteLine($"  totals settled below the expected values after {StableRounds} unchanged polls; continuing with the metered totals");
                return true;
            }

            if (context.Time.GetUtcNow() >= deadline)
            {
                return false;
            }

            previous = totals;
            await Task.Delay(context.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<decimal> TotalAsync(string payer, string meter, string from, string to, CancellationToken cancellationToken)
    {
        var body = await api.GetJsonAsync($"/api/v1/usage?payer={Uri.EscapeDataString(payer)}&meter={Uri.EscapeDataString(meter)}&from={from}&to={to}&window=month", financeKey, cancellationToken).ConfigureAwait(false);
        return ApiResponseReader.Usage(body).Rows.Sum(r => r.Quantity);
    }
}
