namespace Billing.Cli.Commands;

/// <summary>
/// <c>billing partners</c>: onboard and manage partners (finance key). A new or rotated API key is printed once, on
/// its own line, and never again: the platform keeps only its hash.
/// </summary>
internal static class PartnersCommands
{
    public static Command Create(CliContext context, GlobalOptions g) =>
        new("partners", "Partners: onboarding, plans, status, API keys and the audit trail (finance).")
        {
            List(context, g), Get(context, g), New(context, g), Update(context, g),
            Status(context, g, "disable", "disabled"), Status(context, g, "enable", "active"), RotateKey(context, g), Audit(context, g), Verify(context, g),
        };

    private static Command List(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("list",
            """
            List partners (GET /api/v1/partners): id, role, plan (and the plan from next period), status, and for payers
            the providers they let bill them ("providers: none": no other partner's usage may name it as its payer).
            Partners whose stored rows cannot be read are named on standard error with why (they are not listed).

            Examples:
              billing partners list
              billing partners list --json
            """);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = await api.GetJsonAsync("/api/v1/partners", ct).ConfigureAwait(false);
            var answer = ApiResponseReader.PartnerList(body);
            int exit = ExitCodes.Ok;
            if (p.GetValue(json))
            {
                exit = await JsonOutput.PrintAsync(context, true, body, _ => { }).ConfigureAwait(false);
            }
            else
            {
                foreach (var partner in answer.Partners)
                {
                    await context.Out.WriteLineAsync(Line(partner)).ConfigureAwait(false);
                }
            }

            await UnreadableRowsWarning.WriteAsync(context, "partner", answer.Unreadable?.Select(u => $"{u.Id} ({u.Reason})").ToList()).ConfigureAwait(false);
            return exit;
        });
        return cmd;
    }

    private static Command Get(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("get",
            """
            Show one partner (GET /api/v1/partners/{id}) with its profile and key ids.

            Examples:
              billing partners get carrier-tmo
            """);
        var id = Id(cmd);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = await api.GetJsonAsync(PartnerPath(p.GetValue(id)!), ct).ConfigureAwait(false);
            return await PrintPartnerAsync(context, p.GetValue(json), body).ConfigureAwait(false);
        });
        return cmd;
    }

    private static Command New(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("create",
            """
            Register a partner (POST /api/v1/partners) and print its API key once. Payers (carrier, tenant) need --plan
            and --email, and may grant --providers (the providers whose usage may name them as payer; none when left out);
            the key cannot be shown again (rotate it if it is lost).

            Examples:
              billing partners create carrier-acme --role carrier --plan carrier-standard-v1 --name "Acme Mobile" --email billing@acme.example
              billing partners create tenant-lab2 --role tenant --plan compute-standard-v1 --name "Lab 2" --email ap@lab2.example --providers provider-nodeops
              billing partners create provider-gpu --role provider --name "GPU Co"
            """);
        var id = Id(cmd);
        var role = new Option<string>("--role") { Description = "carrier, provider, tenant or finance", Required = true };
        var plan = new Option<string?>("--plan") { Description = "price plan id (payers only)" };
        var name = new Option<string>("--name") { Description = "display name", Required = true };
        var email = new Option<string?>("--email") { Description = "billing email (required for payers)" };
        var stripe = new Option<string?>("--stripe-customer") { Description = "existing Stripe customer id (cus_…)" };
        var providers = ProvidersOption("providers allowed to bill it, comma-separated (payers only)");
        foreach (Option o in new Option[] { role, plan, name, email, stripe, providers })
        {
            cmd.Add(o);
        }

        var json = JsonOutput.AddTo(cmd);

        cmd.Handle(context, async (p, ct) =>
        {
            var request = new CreatePartnerRequest(p.GetValue(id)!, p.GetValue(role)!, p.GetValue(plan), p.GetValue(name)!, p.GetValue(email), p.GetValue(stripe), Providers(p.GetValue(providers)));
            string body = JsonSerializer.Serialize(request, BillingJsonContext.Default.CreatePartnerRequest);
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var answer = (await api.Api.SendOkAsync(new ApiRequest(HttpMethod.Post, "/api/v1/partners", api.FinanceKey) { Body = body, Repeatable = false }, ct).ConfigureAwait(false)).Json();
            if (p.GetValue(json))
            {
                return await JsonOutput.PrintAsync(context, true, answer, _ => { }).ConfigureAwait(false);
            }

            var created = ApiResponseReader.PartnerCreated(answer);
            await context.Out.WriteLineAsync("created " + Line(created.Partner)).ConfigureAwait(false);
            await PrintKeyAsync(context, created.ApiKey).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Update(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("update",
            """
            Change a partner (PATCH /api/v1/partners/{id}). A new plan applies from the next billing period.
            --providers replaces the payer's whole list of providers allowed to bill it ("" for none: its grants revoked).

            Examples:
              billing partners update carrier-acme --plan carrier-standard-v1
              billing partners update carrier-acme --name "Acme Mobile EU" --email ap@acme.example
              billing partners update tenant-lab --providers provider-nodeops,provider-render
            """);
        var id = Id(cmd);
        var plan = new Option<string?>("--plan") { Description = "price plan from the next period on" };
        var name = new Option<string?>("--name") { Description = "display name" };
        var email = new Option<string?>("--email") { Description = "billing email" };
        var stripe = new Option<string?>("--stripe-customer") { Description = "Stripe customer id (cus_…)" };
        var providers = ProvidersOption("the whole new list of providers allowed to bill it, comma-separated (\"\": none)");
        foreach (Option o in new Option[] { plan, name, email, stripe, providers })
        {
            cmd.Add(o);
        }

        var json = JsonOutput.AddTo(cmd);

        cmd.Handle(context, async (p, ct) =>
        {
            var change = new UpdatePartnerRequest(p.GetValue(plan), p.GetValue(name), p.GetValue(email), p.GetValue(stripe), Status: null, Providers(p.GetValue(providers)));
            if (change == new UpdatePartnerRequest(null, null, null, null, null))
            {
                throw new UsageException("nothing to change: give --plan, --name, --email, --stripe-customer or --providers");
            }

            return await PatchAsync(context, g, p, p.GetValue(id)!, change, p.GetValue(json), ct).ConfigureAwait(false);
        });
        return cmd;
    }

    private static Command Status(CliContext context, GlobalOptions g, string verb, string status)
    {
        var cmd = new Command(verb,
            $"""
            {(verb == "disable" ? "Disable a partner: its keys stop working and no new usage is accepted for it (what was accepted is still billed)." : "Enable a disabled partner again.")}

            Examples:
              billing partners {verb} carrier-acme
            """);
        var id = Id(cmd);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, (p, ct) => PatchAsync(context, g, p, p.GetValue(id)!, new UpdatePartnerRequest(null, null, null, null, status), p.GetValue(json), ct));
        return cmd;
    }

    private static Command RotateKey(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("rotate-key",
            """
            Issue a new API key (POST /api/v1/partners/{id}/keys) and print it once; the previous keys keep working
            until the time printed (the platform's key rotation overlap, 24 h by default). With --revoke-previous (a key
            that leaked) they stop now: at once on the instance that answers, on others within their key cache (30 s).

            Examples:
              billing partners rotate-key carrier-acme
              billing partners rotate-key carrier-acme --revoke-previous
            """);
        var id = Id(cmd);
        var revoke = new Option<bool>("--revoke-previous") { Description = "stop the previous keys now instead of after the overlap (a leaked key)" };
        cmd.Options.Add(revoke);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            string path = PartnerPath(p.GetValue(id)!) + "/keys" + (p.GetValue(revoke) ? "?revokePrevious=true" : string.Empty);
            var answer = (await api.Api.SendOkAsync(new ApiRequest(HttpMethod.Post, path, api.FinanceKey) { Repeatable = false }, ct).ConfigureAwait(false)).Json();
            if (p.GetValue(json))
            {
                return await JsonOutput.PrintAsync(context, true, answer, _ => { }).ConfigureAwait(false);
            }

            var rotated = ApiResponseReader.PartnerKeyRotated(answer);
            string previous = rotated.RevokedKeyIds is { Count: > 0 } revoked
                ? "previous keys revoked now: " + string.Join(", ", revoked.Select(TerminalText.Visible))
                : "previous keys valid until " + (rotated.PreviousKeysValidUntil ?? "(none left)");
            await context.Out.WriteLineAsync(TerminalText.Visible($"new key {rotated.KeyId}; {previous}")).ConfigureAwait(false);
            await PrintKeyAsync(context, rotated.ApiKey).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Audit(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("audit",
            """
            The audit trail of partner changes, oldest first: of one partner (GET /api/v1/partners/{id}/audit) or of
            all in a time range (GET /api/v1/audit?from=&to=, default the current month).

            Examples:
              billing partners audit carrier-acme
              billing partners audit --from 2026-11-01 --to 2026-12-01
            """);
        var id = new Argument<string?>("id") { Description = "partner id (omit for every partner)", Arity = ArgumentArity.ZeroOrOne };
        var from = new Option<string?>("--from") { Description = "RFC 3339 or yyyy-MM-dd (without an id)" };
        var to = new Option<string?>("--to") { Description = "RFC 3339 or yyyy-MM-dd, exclusive (without an id)" };
        cmd.Add(id);
        cmd.Add(from);
        cmd.Add(to);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            string basePath = p.GetValue(id) is { } partner
                ? PartnerPath(partner) + "/audit?limit=1000"
                : "/api/v1/audit?limit=1000" + Query("from", p.GetValue(from)) + Query("to", p.GetValue(to));
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var entries = new List<AuditEntryView>();
            string? next = null;
            do
            {
                var page = ApiResponseReader.AuditPage(await api.GetJsonAsync(basePath + Query("after", next), ct).ConfigureAwait(false));
                entries.AddRange(page.Entries);
                next = page.Next;
            }
            while (next is not null);

            if (p.GetValue(json))
            {
                // Every page in one answer: the contract's shape, with no page after it.
                var all = JsonSerializer.SerializeToNode(new AuditListResponse(entries, null), BillingJsonContext.Default.AuditListResponse);
                return await JsonOutput.PrintAsync(context, true, all, _ => { }).ConfigureAwait(false);
            }

            foreach (var e in entries)
            {
                // A display name may hold bidi controls (only control characters are refused): spelled out here.
                string changes = string.Join("; ", e.Changes.Select(c => $"{c.Field}: {c.Before ?? "-"} → {c.After ?? "-"}"));
                await context.Out.WriteLineAsync(TerminalText.Visible($"{e.At}  {e.Partner}  {e.Action}  by {e.Actor}  {changes}")).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Verify(CliContext context, GlobalOptions g)
    {
        var cmd = new Command("verify",
            """
            Verify the audit hash chain of every partner (GET /api/v1/audit/verify) or of one
            (GET /api/v1/partners/{id}/audit/verify): each entry's hash and link, the head on the partner row, and the
            row's role, plans, status, payer profile and key ids against what the audit trail gives. Exits 1 when
            anything is off, or when a partner kept changing while it was read (NOT VERIFIED, no problem found: run
            it again).

            Examples:
              billing partners verify
              billing partners verify carrier-acme
            """);
        var id = new Argument<string?>("id") { Description = "partner id (omit for every partner)", Arity = ArgumentArity.ZeroOrOne };
        cmd.Add(id);
        var json = JsonOutput.AddTo(cmd);
        cmd.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = await api.GetJsonAsync(p.GetValue(id) is { } partner ? PartnerPath(partner) + "/audit/verify" : "/api/v1/audit/verify", ct).ConfigureAwait(false);
            var verification = ApiResponseReader.AuditVerification(body);
            bool ok = verification.Ok;
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
                return ok ? ExitCodes.Ok : ExitCodes.Failed;
            }

            var partners = verification.Partners;
            int failed = 0, unsettled = 0;
            foreach (var result in partners)
            {
                // Not verified is not tampering: said apart, so no one reads a busy partner as a broken chain.
                bool notVerified = result.Unsettled is not null && result.Problems.Count == 0;
                unsettled += notVerified ? 1 : 0;
                failed += result.Ok || notVerified ? 0 : 1;
                await context.Out.WriteLineAsync(TerminalText.Visible(result.Ok
                    ? $"{result.Partner}: ok ({result.Entries} entries)"
                    : notVerified ? $"{result.Partner}: NOT VERIFIED ({result.Unsettled})"
                    : $"{result.Partner}: FAILED ({result.Entries} entries, {result.Problems.Count} problem(s))")).ConfigureAwait(false);
                foreach (var problem in result.Problems)
                {
                    // A problem quotes stored values: a row changed outside the platform can hold escape sequences.
                    await context.Out.WriteLineAsync("  " + TerminalText.Visible(problem)).ConfigureAwait(false);
                }
            }

            await context.Out.WriteLineAsync(ok
                ? $"partners verify: ok ({partners.Count} partners)"
                : failed > 0 ? $"partners verify: FAILED ({partners.Count} partners, {failed} with problems{(unsettled > 0 ? $", {unsettled} not verified" : "")})"
                : $"partners verify: INCOMPLETE ({partners.Count} partners, {unsettled} changing while verified, no problems found; run verify again)").ConfigureAwait(false);
            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return cmd;
    }

    private static async Task<int> PatchAsync(CliContext context, GlobalOptions g, ParseResult p, string id, UpdatePartnerRequest change, bool json, CancellationToken ct)
    {
        // Unset fields are left out (not sent as null, which would clear them): the context writes no nulls.
        string body = JsonSerializer.Serialize(change, BillingJsonContext.Default.UpdatePartnerRequest);
        using var api = ApiSession.Open(g.Endpoint(p, context), context);
        var answer = (await api.Api.SendOkAsync(new ApiRequest(HttpMethod.Patch, PartnerPath(id), api.FinanceKey) { Body = body }, ct).ConfigureAwait(false)).Json();
        return await PrintPartnerAsync(context, json, answer).ConfigureAwait(false);
    }

    private static async Task<int> PrintPartnerAsync(CliContext context, bool json, JsonNode? body)
    {
        if (json)
        {
            return await JsonOutput.PrintAsync(context, true, body, _ => { }).ConfigureAwait(false);
        }

        var partner = ApiResponseReader.Partner(body);
        await context.Out.WriteLineAsync(Line(partner)).ConfigureAwait(false);
        await context.Out.WriteLineAsync(TerminalText.Visible($"  name: {TerminalText.Visible(partner.DisplayName)}  email: {partner.BillingEmail}  stripe: {partner.StripeCustomerId ?? "-"}  created: {partner.CreatedAt}")).ConfigureAwait(false);
        foreach (var key in partner.Keys)
        {
            await context.Out.WriteLineAsync(TerminalText.Visible($"  key {key.Id}  created {key.CreatedAt}  {(key.ExpiresAt is { } until ? "valid until " + until : "current")}")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The key alone on its line, so it can be copied or piped; the note goes to stderr.</summary>
    private static async Task PrintKeyAsync(CliContext context, string key)
    {
        await context.Error.WriteLineAsync("API key (shown once; store it now):").ConfigureAwait(false);
        await context.Out.WriteLineAsync(key).ConfigureAwait(false);
    }

    private static string Line(PartnerView partner)
    {
        string pending = partner.PendingPlan is { } next ? $" → {next} from {partner.PendingPlanFrom}" : "";
        // A payer's grants are what lets a provider bill it: shown for every payer, "none" included (rows from before grants).
        string providers = partner.Role is "carrier" or "tenant" ? $"  providers: {(partner.Providers.Count == 0 ? "none" : string.Join(',', partner.Providers))}" : "";
        return TerminalText.Visible($"{partner.Id}  {partner.Role}  {partner.Plan ?? "-"}{pending}  {partner.Status}{providers}")!;
    }

    private static Option<string?> ProvidersOption(string description) => new("--providers") { Description = description };

    /// <summary>The ids of a <c>--providers</c> list: comma-separated, blanks dropped (<c>""</c>: none); null when the option is not given.</summary>
    private static string[]? Providers(string? list) => list?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static Argument<string> Id(Command cmd)
    {
        var id = new Argument<string>("id") { Description = "partner id, e.g. carrier-acme" };
        cmd.Add(id);
        return id;
    }

    private static string PartnerPath(string id) => "/api/v1/partners/" + Uri.EscapeDataString(id);

    private static string Query(string name, string? value) => value is null ? "" : $"&{name}={Uri.EscapeDataString(value)}";
}
