using NCrontab;

namespace Billing.DevHost;

/// <summary>
/// The non-HTTP triggers: one loop per event hub partition (checkpoint after every invocation, function.json retry policy,
/// a pause while the handler is down) and one per timer function (its NCRONTAB schedule).
/// </summary>
public sealed class TriggerLoops(
    FunctionApp app, DevHostOptions options, HandlerSupervisor supervisor, HandlerInvoker invoker, CheckpointStore checkpoints, InFlightCounter inFlight, Func<string?, string?> resolve)
{
    public async Task ConsumeAsync(FunctionDefinition function, EventHubBroker.Hub hub, EventHubBroker.Partition partition, CancellationToken cancellationToken)
    {
        string key = CheckpointStore.Key(function, partition);
        string consumerGroup = resolve(function.Trigger.Setting("consumerGroup")) ?? "$Default";
        bool many = !string.Equals(function.Trigger.Setting("cardinality"), "one", StringComparison.OrdinalIgnoreCase);
        while (!cancellationToken.IsCancellationRequested)
        {
            long from = checkpoints.Get(key);
            var batch = partition.Read(from, many ? app.MaxEventBatchSize : 1);
            if (batch.Count == 0)
            {
                try
                {
                    await partition.WaitAsync(app.MaxWaitTime, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            inFlight.Enter();
            try
            {
                var payload = HostPayloads.EventHub(function, hub, partition, consumerGroup, batch, many);
                for (int attempt = 0; ; attempt++)
                {
                    // While the handler is down the partition waits at its checkpoint (no attempt is spent on a dead handler).
                    await supervisor.WaitReadyAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                    var (outcome, _) = await invoker.InvokeAsync(function, payload, cancellationToken).ConfigureAwait(false);
                    if (outcome == InvocationOutcome.Succeeded || cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    if (!function.Retry.RetriesForever && attempt >= function.Retry.MaxRetryCount)
                    {
                        options.Log($"devhost: {function.Name} partition {partition.Id}: giving up after {attempt + 1} attempt(s); checkpointing past {batch.Count} event(s) as the host does");
                        break;
                    }

                    var delay = function.Retry.Delay(attempt);
                    options.Log($"devhost: {function.Name} partition {partition.Id}: retry {attempt + 1} in {delay.TotalSeconds:0.#} s");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return; // shutting down: the batch was not processed, so it is not checkpointed
                }

                // Checkpoint after the invocation whatever its outcome, like the Event Hubs extension.
                checkpoints.Set(key, batch[^1].SequenceNumber + 1);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let a partition's reader die: log, pause, and read the same (uncheckpointed) batch again.
                options.Log($"devhost: {function.Name} partition {partition.Id}: unexpected error ({ex.GetType().Name}: {ex.Message}); retrying the batch");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                inFlight.Leave();
            }
        }
    }

    /// <summary>The function's NCRONTAB schedule; throws on a bad one, so start-up fails rather than a background loop.</summary>
    public CrontabSchedule ParseSchedule(FunctionDefinition function)
    {
        string expression = resolve(function.Trigger.Setting("schedule")) ?? throw new InvalidOperationException($"{function.Name}: timerTrigger has no schedule");
        return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 })
            ?? throw new InvalidOperationException($"{function.Name}: '{expression}' is not an NCRONTAB schedule ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}})");
    }

    public async Task TimerAsync(FunctionDefinition function, CrontabSchedule schedule, CancellationToken cancellationToken)
    {
        if (string.Equals(function.Trigger.Setting("runOnStartup"), "true", StringComparison.OrdinalIgnoreCase))
        {
            await invoker.InvokeAsync(function, HostPayloads.Timer(function, false), cancellationToken).ConfigureAwait(false); // the first handler is up: StartAsync waited
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = DateTime.UtcNow;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            inFlight.Enter();
            try
            {
                if (!await supervisor.WaitReadyAsync(options.UnavailableWait, cancellationToken).ConfigureAwait(false))
                {
                    options.Log($"devhost: {function.Name}: occurrence skipped, the custom handler is restarting");
                    continue;
                }

                await invoker.InvokeAsync(function, HostPayloads.Timer(function, isPastDue: DateTime.UtcNow - next > TimeSpan.FromSeconds(30)), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                inFlight.Leave();
            }
        }
    }
}
