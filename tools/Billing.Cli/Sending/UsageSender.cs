namespace Billing.Cli.Sending;

/// <summary>Which key posts which event type.</summary>
public sealed record SendKeys(string CarrierKey, string ProviderKey, string? OtherKey)
{
    public string For(string? type) => type switch
    {
        SampleDataGenerator.CarrierType => CarrierKey,
        SampleDataGenerator.ComputeType => ProviderKey,
        _ => OtherKey ?? CarrierKey,
    };
}

public sealed record SendOptions
{
    public int BatchSize { get; init; } = 500;

    /// <summary>Request body limit; the API's is 1 MiB.</summary>
    public int MaxRequestBytes { get; init; } = 1024 * 1024;
}

/// <summary>An event the API (or the CLI, for an oversized event) rejected.</summary>
public sealed record Rejection(string File, int Line, string? Id, IReadOnlyList<string> Reasons);

public sealed class SendReport
{
    public int Read { get; set; }

    public int Sent { get; set; }

    public int Accepted { get; set; }

    public int Requests { get; set; }

    public List<Rejection> Rejected { get; } = [];

    public List<BadLine> Unparseable { get; } = [];

    /// <summary>Set when sending stopped early (auth failure, API unreachable).</summary>
    public string? Aborted { get; set; }

    public int ExitCode => Aborted is not null ? ExitCodes.Unreachable : Rejected.Count > 0 || Unparseable.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
}

/// <summary>
/// Posts events to <c>POST /api/v1/usage</c> in batches of at most <see cref="SendOptions.BatchSize"/> events and
/// <see cref="SendOptions.MaxRequestBytes"/> bytes, each with the key for its event type, and maps the API's
/// per-index rejections back to file and line. Retries are the <see cref="ApiClient"/>'s.
/// </summary>
public sealed class UsageSender(ApiClient api, SendKeys keys, SendOptions options)
{
    /// <summary>Sends every event; rejections land in the report, an auth failure or unreachable API stops early.</summary>
    /// <param name="events">The events in file order.</param>
    /// <param name="progress">Receives the number of events finished after each request.</param>
    /// <param name="cancellationToken">Stops between requests.</param>
    public async Task<SendReport> SendAsync(IReadOnlyList<SourceEvent> events, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var report = new SendReport { Read = events.Count };
        foreach (var batch in Batches(events, report))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await SendBatchAsync(batch.Key, batch.Events, report, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiUnreachableException ex)
            {
                report.Aborted = ex.Message;
                return report;
            }
            catch (ApiException ex) when (ex.IsAuthFailure)
            {
                report.Aborted = $"the API refused the key for {batch.Events[0].Type ?? "these events"}: {ex.Problem.Describe()}";
                return report;
            }

            progress?.Report(batch.Events.Count);
        }

        return report;
    }

    private IEnumerable<(string Key, List<SourceEvent> Events)> Batches(IReadOnlyList<SourceEvent> events, SendReport report)
    {
        int limit = Math.Clamp(options.BatchSize, 1, 1000);
        int budget = options.MaxRequestBytes - 2; // [ and ]
        var open = new Dictionary<string, (List<SourceEvent> Events, int Bytes)>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            int size = Encoding.UTF8.GetByteCount(e.Json);
            if (size > budget)
            {
                report.Rejected.Add(new Rejection(e.File, e.Line, e.Id, [$"the event is {size} bytes; a request may be at most {options.MaxRequestBytes} bytes"]));
                continue;
            }

            string key = keys.For(e.Type);
            if (open.TryGetValue(key, out var current) && (current.Events.Count >= limit || current.Bytes + size + 1 > budget))
            {
                yield return (key, current.Events);
                open.Remove(key);
            }

            if (!open.TryGetValue(key, out current))
            {
                current = ([], 0);
            }

            current.Events.Add(e);
            open[key] = (current.Events, current.Bytes + size + 1);
        }

        foreach (var (key, rest) in open)
        {
            yield return (key, rest.Events);
        }
    }

    private async Task SendBatchAsync(string key, List<SourceEvent> batch, SendReport report, CancellationToken cancellationToken)
    {
        var body = new StringBuilder();
        body.Append('[');
        for (int i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                body.Append(',');
            }

            body.Append(batch[i].Json);
        }

        body.Append(']');
        report.Requests++;
        var response = await api.SendAsync(
            new ApiRequest(HttpMethod.Post, "/api/v1/usage", key) { Body = body.ToString(), ContentType = "application/cloudevents-batch+json" },
            cancellationToken).ConfigureAwait(false);
        report.Sent += batch.Count;

        if (response.Status is 401 or 403)
        {
            throw new ApiException(response.Problem());
        }

        var result = ApiResponseReader.Ingest(response.Body);
        if (result?.Rejected is { } rejected && (response.IsSuccess || response.Status == 400))
        {
            report.Accepted += result.Accepted;
            foreach (var r in rejected)
            {
                int index = r.Index;
                var source = index >= 0 && index < batch.Count ? batch[index] : null;
                report.Rejected.Add(new Rejection(source?.File ?? "?", source?.Line ?? 0, r.Id ?? source?.Id, r.Errors ?? []));
            }

            return;
        }

        if (response.IsSuccess)
        {
            // An answer without the contract's shape: count what we can.
            report.Accepted += result?.Accepted ?? batch.Count;
            return;
        }

        // The whole request failed (400 not JSON, 413, or 5xx after retries): every event in it is rejected with the reason.
        string reason = response.Problem().Describe();
        foreach (var e in batch)
        {
            report.Rejected.Add(new Rejection(e.File, e.Line, e.Id, [reason]));
        }
    }
}
