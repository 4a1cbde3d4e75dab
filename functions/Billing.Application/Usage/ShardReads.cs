using System.Runtime.ExceptionServices;

namespace Billing.Application.Usage;

/// <summary>
/// Reads of one answer's parts (a payer's shards, or shards × months) in parallel, as one: the first part that fails
/// (a refusal such as <see cref="UsageQueryTooLargeException"/>, an unreadable row, a storage error) cancels the others,
/// so a refused query stops reading storage promptly, and that failure, as thrown, is what the caller sees: never the
/// cancellations it caused nor an <see cref="AggregateException"/>. A caller that cancels sees its cancellation.
/// </summary>
internal static class ShardReads
{
    public static async Task RunAsync<T>(IEnumerable<T> parts, Func<T, CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        var reads = parts.Select(part => Task.Run(async () =>
        {
            try
            {
                await read(part, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !linked.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref firstFailure, ex, null);
                await linked.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, linked.Token)).ToArray();

        try
        {
            await Task.WhenAll(reads).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
        catch (Exception) when (Volatile.Read(ref firstFailure) is not null)
        {
            ExceptionDispatchInfo.Throw(firstFailure!);
            throw;
        }
    }
}
