using Billing.DevHost;

// billing devhost: serves a built custom-handler function app the way the Functions host would, on loopback.
string? appDir = null, settingsFile = null, dataDir = null;
int port = 7071, partitions = 4;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--app": appDir = args[++i]; break;
        case "--settings": settingsFile = args[++i]; break;
        case "--port": port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--data-dir": dataDir = args[++i]; break;
        case "--partitions": partitions = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "-h" or "--help":
            Console.WriteLine("usage: Billing.DevHost --app <function app folder> [--settings local.settings.json] [--port 7071] [--partitions 4] [--data-dir <folder>]");
            Console.WriteLine("  --data-dir  keep the event hubs and checkpoints in files there: a restart redelivers what was accepted but not yet processed");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}' (try --help)");
            return 2;
    }
}

if (appDir is null)
{
    Console.Error.WriteLine("--app <function app folder> is required (try --help)");
    return 2;
}

var settings = new Dictionary<string, string>();
if (settingsFile is not null)
{
    using var doc = JsonDocument.Parse(File.ReadAllText(settingsFile), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
    foreach (var p in doc.RootElement.GetProperty("Values").EnumerateObject())
    {
        settings[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
    }
}

// Environment wins over the file, as in the Functions host.
foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
{
    string key = (string)e.Key;
    if (key.StartsWith("Billing__", StringComparison.Ordinal) || settings.ContainsKey(key))
    {
        settings[key] = (string)e.Value!;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
// SIGTERM (what ./run and process managers send) stops gracefully too, so the handler child is stopped with us.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

DevHostServer host;
try
{
    host = new DevHostServer(new DevHostOptions { AppDirectory = Path.GetFullPath(appDir), Port = port, Partitions = partitions, Settings = settings, DataDirectory = dataDir is null ? null : Path.GetFullPath(dataDir) });
}
catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or IOException)
{
    Console.Error.WriteLine($"devhost: {ex.Message}");
    return 1;
}

await using var _ = host;
try
{
    await host.StartAsync(stop.Token);
}
catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or TimeoutException)
{
    Console.Error.WriteLine($"devhost: {ex.Message}");
    return 1;
}

Console.WriteLine($"devhost: ready at {host.BaseAddress}api/ (Ctrl-C to stop)");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

return 0;
