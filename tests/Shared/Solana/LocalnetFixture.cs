using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Billing.Solana.Keys;
using Billing.Solana.Programs;
using Billing.Solana.Rpc;
using Billing.Solana.Transactions;

namespace Billing.Tests.Shared;

/// <summary>What the localnet bootstrap wrote to its info file (see tests/localnet/server.mjs).</summary>
public sealed record LocalnetInfo(string RpcUrl, string Mint, byte Decimals, string TreasuryOwner, string TreasuryTokenAccount, byte[] TreasuryKeypair);

/// <summary>
/// Shared localnet for the "localnet" collection. Uses the one started by <c>./run test</c> when
/// BILLING_TEST_SOLANA_RPC (and optionally BILLING_TEST_SOLANA_INFO) are set; otherwise starts
/// <c>node tests/localnet/server.mjs --port 0</c> from the repository root and stops it on dispose.
/// </summary>
public class LocalnetFixture : IAsyncLifetime
{
    public const string RpcEnvironmentVariable = "BILLING_TEST_SOLANA_RPC";
    public const string InfoEnvironmentVariable = "BILLING_TEST_SOLANA_INFO";
    /// <summary>What the server prints, followed by its RPC URL, once it listens.</summary>
    public const string ReadyPrefix = "localnet listening on ";

    private Process? _process;
    private string? _ownInfoFile;
    private LocalnetInfo? _info;
    private Uri? _rpcUrl;

    /// <summary>Sent as <c>x-localnet-client</c> so injected faults and request counts only concern this test run.</summary>
    public string ClientTag { get; } = $"billing-solana-tests-{Guid.NewGuid():N}";

    public Uri RpcUrl => _rpcUrl ?? throw new InvalidOperationException("Localnet not started.");

    public LocalnetInfo Info => _info ?? throw new InvalidOperationException("Localnet not started.");

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Http.DefaultRequestHeaders.Add("x-localnet-client", ClientTag);
        var external = UseSharedLocalnet ? Environment.GetEnvironmentVariable(RpcEnvironmentVariable) : null;
        if (!string.IsNullOrWhiteSpace(external))
        {
            _rpcUrl = new Uri(external);
            var infoPath = Environment.GetEnvironmentVariable(InfoEnvironmentVariable);
            _info = !string.IsNullOrWhiteSpace(infoPath) && File.Exists(infoPath)
                ? ParseInfo(JsonNode.Parse(await File.ReadAllTextAsync(infoPath, cts.Token))!)
                : ParseInfo(JsonNode.Parse((await AdminAsync("admin_bootstrapInfo", [], cts.Token)).GetRawText())!);
            return;
        }

        _ownInfoFile = Path.Combine(Path.GetTempPath(), $"localnet-info-{Guid.NewGuid():N}.json");
        _rpcUrl = await StartServerAsync(_ownInfoFile, cts.Token);
        _info = ParseInfo(JsonNode.Parse(await File.ReadAllTextAsync(_ownInfoFile, cts.Token))!);
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        if (_ownInfoFile is not null && File.Exists(_ownInfoFile))
        {
            File.Delete(_ownInfoFile);
        }

        return Task.CompletedTask;
    }

    public SolanaRpcClient CreateClient(Action<SolanaRpcOptions>? configure = null)
    {
        var options = new SolanaRpcOptions
        {
            RpcUrl = RpcUrl,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            MaxRetryAttempts = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            UseJitter = false,
        };
        configure?.Invoke(options);
        return new SolanaRpcClient(Http, options);
    }

    public Keypair LoadTreasury() => Keypair.FromSecretKey(Info.TreasuryKeypair);

    /// <summary>False for fixtures whose tests expire blockhashes: expiry is global to a localnet.</summary>
    protected virtual bool UseSharedLocalnet => true;

    /// <summary>Where this fixture's localnet wrote its bootstrap info (null when using the shared one without a file).</summary>
    public string? InfoFile => _ownInfoFile ?? Environment.GetEnvironmentVariable(InfoEnvironmentVariable);

    /// <summary>
    /// A mint of its own (mint authority: the treasury), with <paramref name="amount"/> minted to <paramref name="owner"/>'s
    /// token account, so supply assertions stay independent of anything else using the localnet.
    /// </summary>
    public async Task<(PublicKey Mint, PublicKey Ata)> CreateMintWithBalanceAsync(
        SolanaRpcClient rpc, Keypair treasury, Keypair owner, ulong amount, CancellationToken ct, byte decimals = 8)
    {
        using var mint = Keypair.Generate();
        var rent = await rpc.GetMinimumBalanceForRentExemptionAsync(TokenProgram.MintAccountLength, ct);
        var blockhash = await rpc.GetLatestBlockhashAsync(null, ct);
        var ata = AssociatedTokenAccountProgram.DeriveAssociatedTokenAccount(owner.PublicKey, mint.PublicKey);
        var setup = new TransactionBuilder()
            .SetFeePayer(treasury)
            .SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(SystemProgram.CreateAccount(treasury.PublicKey, mint.PublicKey, rent, TokenProgram.MintAccountLength, TokenProgram.ProgramIdKey))
            .AddInstruction(TokenProgram.InitializeMint2(mint.PublicKey, decimals, treasury.PublicKey))
            .AddInstruction(AssociatedTokenAccountProgram.CreateIdempotent(treasury.PublicKey, owner.PublicKey, mint.PublicKey))
            .AddInstruction(AssociatedTokenAccountProgram.CreateIdempotent(treasury.PublicKey, owner.PublicKey, mint.PublicKey))
            .AddInstruction(TokenProgram.MintToChecked(mint.PublicKey, ata, treasury.PublicKey, amount, decimals))
            .Build(treasury, mint);
        var signature = await rpc.SendTransactionAsync(setup, null, ct);
        var check = await new SignatureStatusChecker(rpc).WaitAsync(signature, blockhash.LastValidBlockHeight, Commitment.Confirmed, TimeSpan.FromMilliseconds(50), ct);
        if (check.Outcome != SignatureOutcome.Landed)
        {
            throw new InvalidOperationException($"mint setup did not land: {check.Outcome}");
        }

        return (mint.PublicKey, ata);
    }

    /// <summary>Puts <paramref name="memo"/> on the chain signed (and paid) by <paramref name="signer"/>; returns the transaction id once sent.</summary>
    public static async Task<string> SendMemoAsync(ISolanaRpcClient rpc, Keypair signer, string memo, CancellationToken ct)
    {
        var blockhash = await rpc.GetLatestBlockhashAsync(Commitment.Confirmed, ct);
        var tx = new TransactionBuilder().SetFeePayer(signer).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(MemoProgram.NewMemo(memo, signer.PublicKey)).BuildTransaction().Sign(signer);
        await rpc.SendTransactionAsync(tx.Serialize(), null, ct);
        return tx.Id!;
    }

    /// <summary>Calls a test-only <c>admin_*</c> method of the localnet.</summary>
    public async Task<JsonElement> AdminAsync(string method, JsonArray parameters, CancellationToken cancellationToken)
    {
        var client = new SolanaRpcClient(Http, new SolanaRpcOptions { RpcUrl = RpcUrl, MaxRetryAttempts = 0 });
        return await client.CallRawAsync(method, parameters, cancellationToken);
    }

    public Task FailNextAsync(string method, string mode, CancellationToken cancellationToken, int count = 1, int delayMs = 30000) =>
        AdminAsync("admin_failNext", [new JsonObject { ["method"] = method, ["mode"] = mode, ["count"] = count, ["clientTag"] = ClientTag, ["delayMs"] = delayMs }], cancellationToken);

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> are answered <paramref name="result"/>, not executed.</summary>
    public Task AnswerNextAsync(string method, JsonNode? result, CancellationToken cancellationToken, int count = 1) =>
        AdminAsync("admin_failNext", [new JsonObject { ["method"] = method, ["mode"] = "result", ["count"] = count, ["clientTag"] = ClientTag, ["result"] = result }], cancellationToken);

    /// <summary>Requests with this fixture's client tag see a node whose history starts at the current slot: older transactions are unknown.</summary>
    public Task PruneHistoryAsync(CancellationToken cancellationToken) =>
        AdminAsync("admin_pruneHistory", [null, ClientTag], cancellationToken);

    public async Task<int> RequestCountAsync(string method, CancellationToken cancellationToken)
    {
        var counts = await AdminAsync("admin_requestCounts", [ClientTag], cancellationToken);
        return counts.TryGetProperty(method, out var count) ? count.GetInt32() : 0;
    }

    private static LocalnetInfo ParseInfo(JsonNode node) => new(
        node["rpcUrl"]!.GetValue<string>(),
        node["mint"]!.GetValue<string>(),
        node["decimals"]!.GetValue<byte>(),
        node["treasuryOwner"]!.GetValue<string>(),
        node["treasuryTokenAccount"]!.GetValue<string>(),
        node["treasuryKeypair"]!.AsArray().Select(n => n!.GetValue<byte>()).ToArray());

    /// <summary>How to start a localnet on a port of its choosing that writes its bootstrap info to <paramref name="infoFile"/>.</summary>
    public static ProcessStartInfo ServerStartInfo(string infoFile)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine("tests", "localnet", "server.mjs"), "--port", "0", "--info-file", infoFile })
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private async Task<Uri> StartServerAsync(string infoFile, CancellationToken cancellationToken)
    {
        var start = ServerStartInfo(infoFile);
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new System.Text.StringBuilder();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(line[ReadyPrefix.Length..].Trim()));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"localnet exited early: {stderr}"));

        if (!_process.Start())
        {
            throw new InvalidOperationException("Could not start node for the localnet.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return await ready.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>A localnet of this test assembly's own, for tests that expire blockhashes or otherwise disturb the chain.</summary>
public sealed class PrivateLocalnetFixture : LocalnetFixture
{
    protected override bool UseSharedLocalnet => false;
}

[CollectionDefinition(Name)]
public sealed class LocalnetCollection : ICollectionFixture<LocalnetFixture>
{
    public const string Name = "localnet";
}
