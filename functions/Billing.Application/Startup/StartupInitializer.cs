namespace Billing.Application.Startup;

/// <summary>Creates tables, seeds partners (local mode) and warms the registry before the first request is served.</summary>
public sealed partial class StartupInitializer(
    BillingTables tables,
    Billing.Storage.Ledger.LedgerStore ledger,
    Billing.Storage.Ledger.AnchorStore anchors,
    PartnerStore partnerStore,
    PartnerDirectory directory,
    IOptions<PartnerOptions> partnerOptions,
    TimeProvider time,
    ILogger<StartupInitializer> logger)
{
    private static readonly TimeSpan StorageWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Prepares storage and checks it against this instance's settings before it serves. Storage not reachable is waited
    /// for (<see cref="StorageWait"/>), then thrown: the host restarts the handler, which never serves with the fact shard
    /// count unverified. <see cref="FactShardsMismatchException"/> when the storage records another count than
    /// <c>Billing:Storage:FactShards</c> (<see cref="FactShardsRecord"/>; the first start records it), and
    /// <see cref="InvalidDataException"/> when that record is no count this platform wrote: the instance must not start.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + StorageWait;
        var shards = new FactShardsRecord(tables);
        int recorded;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                await ledger.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                await anchors.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                recorded = await shards.EnsureAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException && time.GetUtcNow() < deadline)
            {
                LogStorageWait(logger, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), time, cancellationToken).ConfigureAwait(false);
            }
        }

        if (recorded != tables.Options.FactShards)
        {
            throw new FactShardsMismatchException(tables.Options.FactShards, recorded, shards.Location);
        }

        var options = partnerOptions.Value;
        if (options.Seed)
        {
            foreach (var seed in options.Items)
            {
                try
                {
                    await partnerStore.UpsertAsync(new PartnerRegistration(new Partner(seed.Id, seed.Role, seed.PlanId) { Providers = PartnerRules.Providers(seed.ProviderIds()) }, seed.ApiKey) { At = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException ex)
                {
                    // Its row was changed outside the platform (a value it cannot read, an audit count no entry can
                    // follow): left as found (the evidence) and the host starts; a row it cannot read the refresh below
                    // also leaves out of the registry.
                    LogSeedSkipped(logger, seed.Id, ex.Message);
                }
            }

            LogSeeded(logger, options.Items.Count);
        }

        await directory.RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Table storage not reachable yet (attempt {Attempt}): {Reason}")]
    private static partial void LogStorageWait(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Seeding partner {PartnerId} from settings skipped, its row left as found: {Reason}")]
    private static partial void LogSeedSkipped(ILogger logger, string partnerId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} partners from settings")]
    private static partial void LogSeeded(ILogger logger, int count);
}
