using System.CommandLine;
using System.Text.Json.Nodes;
using Billing.Cli.Api;
using Billing.Cli.Rendering;
using static Billing.Cli.Commands.ArgumentChecks;
using static Billing.Cli.Commands.CommandHandler;
using static Billing.Cli.Commands.CommonOptions;

namespace Billing.Cli.Commands;

/// <summary><c>billing ledger</c>: verify the ledger, through the platform or against the chain.</summary>
internal static class LedgerCommands
{
    public static Command Create(CliContext context, GlobalOptions g)
    {
        var ledger = new Command("ledger", "The double-entry ledger.");
        var verify = new Command("verify",
            """
            Verify the ledger. Without --rpc: ask the platform (GET /api/v1/ledger/verify). With --rpc and --authority:
            verify it yourself, trusting only the chain: read the authority's anchor memos over Solana JSON-RPC, page the
            entries from GET /api/v1/ledger/entries, recompute every hash, link and Merkle root. With --entry: check one
            entry's inclusion proof against the root anchored on chain. Exit 1 if not ok.

            Examples:
              billing ledger verify
              billing ledger verify --rpc http://127.0.0.1:8899 --authority <anchor authority public key>
              billing ledger verify --rpc https://api.devnet.solana.com --authority <key> --entry payment:evt_123
            """);
        var json = JsonOption();
        var rpcUrl = RpcOption();
        var authority = AuthorityOption();
        var ledgerName = LedgerNameOption();
        var entry = new Option<string>("--entry") { Description = "verify only this entry's inclusion proof (needs --rpc and --authority)" };
        var maxAge = new Option<int>("--max-unanchored-minutes") { Description = "entries older than this must be anchored (the platform's anchoring interval plus grace)", DefaultValueFactory = _ => 20 };
        verify.Add(json);
        verify.Add(rpcUrl);
        verify.Add(authority);
        verify.Add(ledgerName);
        verify.Add(entry);
        verify.Add(maxAge);
        Handle(verify, context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            if (p.GetValue(rpcUrl) is { } rpc)
            {
                var verifier = ChainVerification.ChainVerifierFor(p, api, rpc, authority, ledgerName);
                if (p.GetValue(entry) is { } entryId)
                {
                    var (e, anchor, entryProblems) = await verifier.VerifyEntryAsync("/api/v1/ledger/proof/" + Uri.EscapeDataString(entryId), ct).ConfigureAwait(false);
                    return await ChainVerification.ReportEntryAsync(context, entryId, e, anchor, entryProblems).ConfigureAwait(false);
                }

                var (entries, anchors, problems) = await verifier.VerifyBookAsync(context.Time.GetUtcNow(), TimeSpan.FromMinutes(p.GetValue(maxAge)), ct).ConfigureAwait(false);
                if (problems.Count == 0)
                {
                    await context.Out.WriteLineAsync($"ledger verify (chain): ok ({entries} entries, {anchors} anchors on chain)").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                await context.Out.WriteLineAsync($"ledger verify (chain): FAILED ({entries} entries, {anchors} anchors on chain, {problems.Count} problem(s))").ConfigureAwait(false);
                foreach (var problem in problems)
                {
                    await context.Out.WriteLineAsync("  " + problem).ConfigureAwait(false);
                }

                return ExitCodes.Failed;
            }

            var body = await api.GetJsonAsync("/api/v1/ledger/verify", ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
                return body?["ok"] is JsonValue v && v.TryGetValue(out bool ok) && ok ? ExitCodes.Ok : ExitCodes.Failed;
            }

            return Renderers.LedgerVerify(context.Console, body) ? ExitCodes.Ok : ExitCodes.Failed;
        });
        ledger.Add(verify);
        return ledger;
    }
}
