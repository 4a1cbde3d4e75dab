using Billing.Cli.Ledger;

namespace Billing.Cli.Commands;

/// <summary>
/// The options of the commands that verify against the chain themselves (<c>ledger verify --rpc</c>,
/// <c>invoices verify</c>), building their <see cref="ChainVerifier"/>, and how they print a verdict.
/// </summary>
internal sealed record ChainOptions(Option<string> Rpc, Option<string> Authority, Option<string> LedgerName)
{
    public static ChainOptions AddTo(Command command, bool rpcRequired)
    {
        var options = new ChainOptions(
            new Option<string>("--rpc") { Description = "Solana JSON-RPC URL to read the anchors from (e.g. https://api.devnet.solana.com)", Required = rpcRequired },
            new Option<string>("--authority") { Description = "the anchor authority's public key (base58), as published by the operator" },
            new Option<string>("--ledger") { Description = "the ledger name in the anchor memos (Billing:Ledger:Name, default the table prefix)", DefaultValueFactory = _ => "billing" });
        command.Add(options.Rpc);
        command.Add(options.Authority);
        command.Add(options.LedgerName);
        return options;
    }

    public ChainVerifier Verifier(ParseResult p, ApiSession api, string rpc)
    {
        string key = p.GetValue(Authority) ?? throw new UsageException("--authority <public key> is required with --rpc");
        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var rpcUri))
        {
            throw new UsageException($"--rpc '{rpc}' is not an absolute URL");
        }

        PublicKey authorityKey;
        try
        {
            authorityKey = new PublicKey(key);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--authority '{key}' is not a base58 public key");
        }

        var solana = new SolanaRpcClient(api.Http, new SolanaRpcOptions { RpcUrl = rpcUri });
        return new ChainVerifier(api.Api, api.FinanceKey, solana, authorityKey, p.GetValue(LedgerName) ?? "billing");
    }

    public static Task<int> ReportEntryAsync(CliContext context, string subject, LedgerEntry? entry, OnChainAnchor? anchor, IReadOnlyList<string> problems) =>
        VerdictAsync(
            context,
            problems.Count == 0 && entry is not null && anchor is not null
                ? $"verify {subject}: ok (entry {entry.EntryId}, sequence {entry.Sequence}, anchored in {anchor.Range} root {anchor.Content.RootHex}, transaction {anchor.Signature}, slot {anchor.Slot})"
                : null,
            $"verify {subject}: FAILED",
            problems);

    /// <summary>Prints <paramref name="okLine"/> (exit 0), or when it is null <paramref name="failedLine"/> and one indented line per problem (exit 1).</summary>
    public static async Task<int> VerdictAsync<TProblem>(CliContext context, string? okLine, string failedLine, IEnumerable<TProblem> problems)
    {
        if (okLine is not null)
        {
            await context.Out.WriteLineAsync(okLine).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await context.Out.WriteLineAsync(failedLine).ConfigureAwait(false);
        foreach (var problem in problems)
        {
            await context.Out.WriteLineAsync("  " + problem).ConfigureAwait(false);
        }

        return ExitCodes.Failed;
    }
}
