namespace Billing.Application.Partners;

/// <summary>
/// Cached view of the partner registry: a snapshot for validation (which needs a synchronous lookup on the hot path)
/// and a short-lived cache of authenticated key hashes, so a request costs no storage round trip once warm: a key that
/// works, one that does not, and one whose partner row is missing or unreadable (the same refusal until someone repairs it).
/// <see cref="Invalidate"/> counts a generation: a read of the registry begun before it is used by the caller that
/// made it but never cached, so a change made on this instance holds here at once, even against a read in flight.
/// </summary>
public sealed partial class PartnerDirectory(PartnerStore store, IOptions<PartnerOptions> options, TimeProvider time, ILogger<PartnerDirectory> logger)
    : IPartnerDirectory, IDisposable
{
    private readonly ConcurrentDictionary<string, CachedKey> keys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim refreshLock = new(1, 1);
    private volatile Dictionary<string, Partner> partners = new(StringComparer.Ordinal);
    private volatile HashSet<string> unreadable = new(StringComparer.Ordinal);
    private DateTimeOffset snapshotExpires = DateTimeOffset.MinValue;

    /// <summary>Taken by <see cref="Invalidate"/> and by every write to the caches, so none lands between its check and an invalidation.</summary>
    private readonly Lock gate = new();

    /// <summary>How many times <see cref="Invalidate"/> ran: a read may fill the caches only if it is unchanged since the read began.</summary>
    private long generation;

    /// <summary>UTC ticks of when the snapshot's read began: what was registered before then is in it.</summary>
    private long snapshotReadTicks = long.MinValue;

    /// <summary>The header partners authenticate with.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    public Partner? Find(string partnerId) => partners.GetValueOrDefault(partnerId);

    public bool IsUnreadable(string partnerId) => unreadable.Contains(partnerId);

    /// <summary>
    /// Whether <paramref name="partnerId"/> names a partner, active or disabled (a disabled one keeps its usage, invoices
    /// and ledger): the snapshot, else its row, read once (one registered since, or on another instance within the cache
    /// TTL). A row that cannot be read still names a partner. For routes that take <c>?payer=</c>: an id that names none
    /// (a typo, a wrong case) is refused rather than answered as a partner without usage.
    /// </summary>
    public async Task<bool> IsPartnerAsync(string partnerId, CancellationToken cancellationToken)
    {
        if (Find(partnerId) is not null || IsUnreadable(partnerId))
        {
            return true;
        }

        try
        {
            return await store.GetAsync(partnerId, cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            refreshLock.Release();
        }
    }

    /// <summary>
    /// Reads the registry again unless the snapshot was read at or after <paramref name="since"/>, for a partner the snapshot
    /// does not know: another instance may have registered it within the cache TTL (only the instance that makes a change
    /// forgets its cache at once). Callers pass when their work began (a metering batch: its events were accepted, their
    /// partners registered, before that), so a read serves every batch begun before it, and no batch reads more than once
    /// however many unknown partners its events name.
    /// </summary>
    public async Task RefreshUnlessReadSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref snapshotReadTicks) >= since.UtcTicks)
        {
            return;
        }

        await refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref snapshotReadTicks) < since.UtcTicks) // not read by a batch that held the lock meanwhile
            {
                await ReadAsync(cancellationToken).ConfigureAwait(false);
                LogReadForUnknownPartner(logger);
            }
        }
        finally
        {
            refreshLock.Release();
        }
    }

    /// <summary>Replaces the snapshot with the registry as read now (the caller holds the refresh lock).</summary>
    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        long readTicks = time.GetUtcNow().UtcTicks;
        long readGeneration = Volatile.Read(ref generation);
        var list = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        lock (gate)
        {
            // Newer than the snapshot it replaces either way; but read before a change made here, it is due again at once.
            partners = list.Items.ToDictionary(p => p.Id, StringComparer.Ordinal);
            if (generation == readGeneration)
            {
                snapshotExpires = time.GetUtcNow() + options.Value.CacheTtl;
                Volatile.Write(ref snapshotReadTicks, readTicks);
            }
        }

        LogRefreshed(logger, list.Items.Count);

        // Left out, so validation refuses that partner (saying why) until its row is mended; everyone else goes on.
        // Logged when first seen, not on every refresh.
        var seen = unreadable;
        unreadable = list.Unreadable.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var bad in list.Unreadable.Where(u => !seen.Contains(u.Id)))
        {
            LogUnreadable(logger, bad.Id, bad.Reason);
        }
    }

    /// <summary>Refreshes the snapshot when it is older than the cache TTL.</summary>
    public Task EnsureFreshAsync(CancellationToken cancellationToken) =>
        time.GetUtcNow() >= snapshotExpires ? RefreshAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// The partner for an API key, or null. Unknown keys are cached briefly too, so guessing costs no storage reads. The
    /// key's partner row that cannot be read throws <see cref="InvalidDataException"/>, one removed while its audit trail
    /// remains <see cref="PartnerRowMissingException"/>; that refusal is cached like an unknown key (a client retrying it
    /// costs no storage reads), until <see cref="Invalidate"/> or the TTL, and logged (an error) when read from storage,
    /// not on each request the cache answers.
    /// </summary>
    public async Task<Partner?> AuthenticateAsync(string? apiKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(apiKey) || apiKey.Length > 512)
        {
            return null;
        }

        string hash = PartnerStore.HashKey(apiKey);
        var now = time.GetUtcNow();
        if (keys.TryGetValue(hash, out var cached) && cached.Expires > now)
        {
            return cached.Refusal is { } refusal ? throw refusal() : cached.Partner;
        }

        long readGeneration = Volatile.Read(ref generation);
        var expires = now + options.Value.CacheTtl;
        AuthenticatedPartner? found;
        try
        {
            found = await store.AuthenticateAsync(apiKey, now, cancellationToken).ConfigureAwait(false);
        }
        catch (PartnerRowMissingException ex)
        {
            // Logged here, where storage decided it, not on every request the cached refusal answers: a caller holding the
            // key would otherwise fill the log at its request rate.
            LogKeyRefused(logger, ex.Message, options.Value.CacheTtl);
            string partnerId = ex.PartnerId;
            Keep(hash, new CachedKey(null, expires, () => new PartnerRowMissingException(partnerId)), readGeneration);
            throw;
        }
        catch (InvalidDataException ex)
        {
            LogKeyRefused(logger, ex.Message, options.Value.CacheTtl);
            string reason = ex.Message;
            Keep(hash, new CachedKey(null, expires, () => new InvalidDataException(reason)), readGeneration);
            throw;
        }

        // Never cached past the key's own expiry: a rotated-out key stops at its end of overlap, not up to a TTL later.
        if (found?.ValidUntil is { } until && until < expires)
        {
            expires = until;
        }

        var partner = found?.Partner;
        Keep(hash, new CachedKey(partner, expires, null), readGeneration);
        await EnsureFreshAsync(cancellationToken).ConfigureAwait(false);
        return partner;
    }

    /// <summary>Caches what a key's read found, unless a change was made here since the read began (the next request reads again).</summary>
    private void Keep(string hash, CachedKey entry, long readGeneration)
    {
        lock (gate)
        {
            if (keys.Count > 10_000)
            {
                keys.Clear(); // bound memory under a key-guessing flood
            }

            if (generation == readGeneration)
            {
                keys[hash] = entry;
            }
        }
    }

    /// <summary>Forgets cached keys and the snapshot after a change made here (other instances follow within the TTL).</summary>
    public void Invalidate()
    {
        lock (gate)
        {
            generation++;
            keys.Clear();
            snapshotExpires = DateTimeOffset.MinValue;
            Volatile.Write(ref snapshotReadTicks, long.MinValue); // the change is not in the snapshot: a read for an unknown partner is due
        }
    }

    public void Dispose() => refreshLock.Dispose();

    /// <summary>What a key hash authenticated until <paramref name="Expires"/>: a partner, none, or a refusal thrown anew each time.</summary>
    private readonly record struct CachedKey(Partner? Partner, DateTimeOffset Expires, Func<Exception>? Refusal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partner registry refreshed: {Count} partners")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partner registry read again for an event naming a partner the snapshot did not know")]
    private static partial void LogReadForUnknownPartner(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Requests with an API key are refused: its partner row cannot be read or is missing ({Reason}); the refusal is cached for {CacheTtl} and logged again when storage is read again")]
    private static partial void LogKeyRefused(ILogger logger, string reason, TimeSpan cacheTtl);

    [LoggerMessage(Level = LogLevel.Error, Message = "Partner {PartnerId} left out of the registry: its row cannot be read ({Reason})")]
    private static partial void LogUnreadable(ILogger logger, string partnerId, string reason);
}
