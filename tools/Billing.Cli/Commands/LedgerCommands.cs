namespace Billing.Cli.Commands;

/// <summary><c>billing ledger</c>: verify the ledger, through the platform or against the chain, reconcile it, and acknowledge a finding.</summary>
internal static class LedgerCommands
{
    public static Command Create(CliContext context, GlobalOptions g) =>
        new("ledger", "The double-entry ledger.") { Verify(context, g), Reconcile(context, g), Acknowledge(context, g) };

    private static Command Acknowledge(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("acknowledge",
            """
            Acknowledge a reconcile finding settled outside the platform (POST /api/v1/ledger/reconcile/acknowledgements):
            KIND, SUBJECT and --detail exactly as `billing ledger reconcile` printed them to you ([detail …, can be
            acknowledged] after each mismatch that can be), so that what is acknowledged is the detail you read, never one
            that changed since (409 then).
            The note is booked with it in the ledger. Reconcile then lists it apart, not as a mismatch, until its detail
            changes. No money is booked, applied or burned.

            Examples:
              billing ledger acknowledge CreditNoteAfterBurn cn_1Q2w3E --detail 9f86d081884c --note "refunded by bank transfer, FIN-42"
              billing ledger acknowledge PaymentForUnknownInvoice evt_1Q2w3E --detail 2c26b46b68ff --note "paid twice; refunded in Stripe"
            """);
        var kind = new Argument<string>("kind") { Description = "the finding's kind (e.g. CreditNoteAfterBurn)" };
        var subject = new Argument<string>("subject") { Description = "the finding's subject (e.g. a credit note, event or invoice id)" };
        var detail = new Option<string>("--detail") { Description = "the start of the finding's detail SHA-256, as reconcile printed it", Required = true };
        var note = new Option<string>("--note") { Description = "why it needs nothing more from the platform (booked with it)", Required = true };
        cmd.Add(kind);
        cmd.Add(subject);
        cmd.Add(detail);
        cmd.Add(note);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            string body = JsonSerializer.Serialize(new AcknowledgeFindingRequest(p.GetValue(kind)!, p.GetValue(subject)!, p.GetValue(detail)!, p.GetValue(note)!), BillingJsonContext.Default.AcknowledgeFindingRequest);
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            // Repeatable: the same finding and detail is the same booking, so a retry books nothing twice.
            var answer = (await api.Api.SendOkAsync(new ApiRequest(HttpMethod.Post, "/api/v1/ledger/reconcile/acknowledgements", api.FinanceKey) { Body = body }, ct).ConfigureAwait(false)).Json();
            return await JsonOutput.PrintAsync(context, p.GetValue(json), answer, console => Renderers.Acknowledged(console, ApiResponseReader.Acknowledgement(answer))).ConfigureAwait(false);
        });
        return cmd;
    }

    private static Command Reconcile(CliContext context, GlobalOptions g)
    {
        var reconcile = new Command("reconcile",
            """
            Reconcile invoices, Stripe payments, burns and ledger entries (GET /api/v1/ledger/reconcile): every mismatch,
            then what is pending (a payer's month with usage metered late, which the next period close bills). Pending
            items do not fail it. Exit 1 if there is a mismatch.

            Examples:
              billing ledger reconcile
              billing ledger reconcile --json
            """);
        var json = JsonOutput.AddTo(reconcile);
        reconcile.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = await api.GetJsonAsync("/api/v1/ledger/reconcile", ct).ConfigureAwait(false);
            var result = ApiResponseReader.LedgerReconciliation(body);
            await JsonOutput.PrintAsync(context, p.GetValue(json), body, console => Renderers.LedgerReconcile(console, result)).ConfigureAwait(false);
            return result.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return reconcile;
    }

    private static Command Verify(CliContext context, GlobalOptions g)
    {
        var verify = new Command("verify",
            """
            Verify the ledger. Without --rpc: ask the platform (GET /api/v1/ledger/verify). With --rpc and --authority:
            verify it yourself, trusting only the chain: read the authority's anchor and heartbeat memos over Solana
            JSON-RPC, page the entries from GET /api/v1/ledger/entries, recompute every hash, link and Merkle root, and
            report AnchoringStalled when the newest anchor or heartbeat (its block time) is older than
            --max-silence-minutes. With --entry: check one
            entry's inclusion proof against the root anchored on chain. Exit 1 if not ok.
            After a change of the anchor authority (treasury key rotated, or a dedicated anchor keypair turned on), the new
            key anchors the book again from entry 1 with no link to the old key's anchors, so it would anchor a book
            rewritten just before the change and verify would be ok: add --retired-authority <old public key> (repeatable)
            to check the book against every anchor the old key put on chain too (RetiredAnchorMismatch when the book no
            longer gives one's root; never NotAnchored or AnchoringStalled for it, since it stopped at the change).

            Examples:
              billing ledger verify
              billing ledger verify --rpc http://127.0.0.1:8899 --authority <anchor authority public key>
              billing ledger verify --rpc https://api.devnet.solana.com --authority <key> --entry payment:evt_123
              billing ledger verify --rpc https://api.devnet.solana.com --authority <new key> --retired-authority <old key>
            """);
        var json = JsonOutput.AddTo(verify);
        var chain = ChainOptions.AddTo(verify, rpcRequired: false);
        var entry = new Option<string>("--entry") { Description = "verify only this entry's inclusion proof (needs --rpc and --authority)" };
        var maxAge = new Option<int>("--max-unanchored-minutes") { Description = "entries older than this must be anchored (the platform's anchoring interval plus grace)", DefaultValueFactory = _ => 20 };
        var maxSilence = new Option<int>("--max-silence-minutes")
        {
            Description = "the newest anchor or heartbeat on chain must be younger than this, else anchoring stalled (the platform's heartbeat interval plus anchoring interval and grace)",
            DefaultValueFactory = _ => 380,
        };
        var retired = new Option<string[]>("--retired-authority")
        {
            Description = "with --rpc: a key that signed the book's anchors before --authority (repeatable, at most 16): the book must still give every anchor it put on chain",
        };
        verify.Add(entry);
        verify.Add(maxAge);
        verify.Add(maxSilence);
        verify.Add(retired);
        verify.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            string[] retiredGiven = p.GetValue(retired) ?? [];
            if (p.GetValue(chain.Rpc) is { } rpc)
            {
                var verifier = chain.Verifier(p, api, rpc);
                var retiredKeys = ChainOptions.RetiredAuthorities(retiredGiven, verifier.Authority);
                if (p.GetValue(entry) is { } entryId)
                {
                    ArgumentChecks.Require(retiredKeys.Count == 0, "--retired-authority checks the whole book, not one --entry");
                    var (e, anchor, entryProblems) = await verifier.VerifyEntryAsync("/api/v1/ledger/proof/" + Uri.EscapeDataString(entryId), ct).ConfigureAwait(false);
                    return await ChainOptions.ReportEntryAsync(context, entryId, e, anchor, entryProblems).ConfigureAwait(false);
                }

                var (entries, anchors, retiredAnchors, problems) = await verifier.VerifyBookAsync(
                    context.Time.GetUtcNow(), TimeSpan.FromMinutes(p.GetValue(maxAge)), TimeSpan.FromMinutes(p.GetValue(maxSilence)), retiredKeys, ct).ConfigureAwait(false);
                string ofRetired = string.Concat(retiredAnchors.Select(r => $"; retired authority {r.Key}: {r.Anchors} anchors"));
                return await ChainOptions.VerdictAsync(
                    context,
                    problems.Count == 0 ? $"ledger verify (chain): ok ({entries} entries, {anchors} anchors on chain{ofRetired})" : null,
                    $"ledger verify (chain): FAILED ({entries} entries, {anchors} anchors on chain, {problems.Count} problem(s){ofRetired})",
                    problems).ConfigureAwait(false);
            }

            ArgumentChecks.Require(retiredGiven.Length == 0, "--retired-authority needs --rpc and --authority: it checks the book against the chain");
            var body = await api.GetJsonAsync("/api/v1/ledger/verify", ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
                return ApiResponseReader.LedgerVerification(body).Ok == true ? ExitCodes.Ok : ExitCodes.Failed;
            }

            return Renderers.LedgerVerify(context.Console, ApiResponseReader.LedgerVerification(body)) ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return verify;
    }
}
