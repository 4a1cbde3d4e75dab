namespace Billing.DevHost;

/// <summary>
/// How far each event hub trigger has consumed each partition (the next sequence number to read). Kept in a file when
/// the DevHost has a data directory, so a restarted DevHost resumes where it stopped, as the host does.
/// </summary>
public sealed class CheckpointStore
{
    private readonly Dictionary<string, long> checkpoints;
    private readonly string? file;

    public CheckpointStore(string? file)
    {
        this.file = file;
        checkpoints = file is null ? [] : Load(file);
    }

    public static string Key(FunctionDefinition function, EventHubBroker.Partition partition) => function.Name + "/" + partition.Id;

    public long Get(FunctionDefinition function, EventHubBroker.Partition partition) => Get(Key(function, partition));

    public long Get(string key)
    {
        lock (checkpoints)
        {
            return checkpoints.GetValueOrDefault(key);
        }
    }

    /// <summary>Records the next sequence number to read and writes the file before returning.</summary>
    public void Set(string key, long next)
    {
        lock (checkpoints)
        {
            checkpoints[key] = next;
            Save();
        }
    }

    private static Dictionary<string, long> Load(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(path)) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"'{path}' is not a DevHost checkpoint file ({ex.Message}); delete it to redeliver every event from the start (metering counts repeats once).", ex);
        }
    }

    /// <summary>Writes the checkpoints (caller holds the lock): a new file moved over the old, so a crash leaves one or the other whole.</summary>
    private void Save()
    {
        if (file is null)
        {
            return;
        }

        string temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(checkpoints));
        File.Move(temporary, file, overwrite: true);
    }
}
