using Billing.Cli.Ledger;

namespace Billing.Cli.Commands;

/// <summary>
/// The options of the commands that verify against the chain themselves (<c>ledger verify --rpc</c>,
/// <c>invoices verify</c>), building their <see cref="ChainVerifier"/>, and how they print a verdict.
/// </summary>
internal sealed record ChainOptions(Option<string> Rpc, Option<string> Authority, Option<string> LedgerName)
{
    /// <summary>The most <c>--retired-authority</c> keys: as many as the platform's <c>Billing__Ledger__RetiredAnchorAuthorities</c> lists.</summary>
    public const int MaxRetiredAuthorities = 16;

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

        var solana = new SolanaRpcClient(api.Http, new SolanaRpcOptions { RpcUrl = rpcUri });
        return new ChainVerifier(api.Api, api.FinanceKey, solana, Key(key, "--authority"), p.GetValue(LedgerName) ?? "billing");
    }

    /// <summary>
    /// The <c>--retired-authority</c> keys, each once: base58 public keys, at most <see cref="MaxRetiredAuthorities"/>,
    /// none of them <paramref name="authority"/> (a usage error otherwise).
    /// </summary>
    public static IReadOnlyList<PublicKey> RetiredAuthorities(IReadOnlyList<string> given, PublicKey authority)
    {
        var keys = given.Select(k => Key(k, "--retired-authority")).Distinct().ToList();
        ArgumentChecks.Require(keys.Count <= MaxRetiredAuthorities, $"--retired-authority given {keys.Count} times, at most {MaxRetiredAuthorities}");
        ArgumentChecks.Require(!keys.Contains(authority), $"--retired-authority {authority} is the --authority: give the keys that signed the book's anchors before it");
        return keys;
    }

    /// <summary>The public key <paramref name="text"/> names; a usage error quoting it, unless it is too long to be one (a keypair is never echoed).</summary>
    private static PublicKey Key(string text, string option) =>
        PublicKey.TryParse(text, out var key) && key is not null
            ? key
            : throw new UsageException(text.Length <= 44
                ? $"{option} '{text}' is not a base58 public key"
                : $"{option} ({text.Length} characters) is not a base58 public key (32 bytes): give the public key, never a keypair");

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
            await context.Out.WriteLineAsync(TerminalText.Visible(okLine)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        // The lines quote ids and values the API answered, which come from stored rows: escape sequences are spelled out.
        await context.Out.WriteLineAsync(TerminalText.Visible(failedLine)).ConfigureAwait(false);
        foreach (var problem in problems)
        {
            await context.Out.WriteLineAsync("  " + TerminalText.Visible(problem?.ToString())).ConfigureAwait(false);
        }

        return ExitCodes.Failed;
    }
}
