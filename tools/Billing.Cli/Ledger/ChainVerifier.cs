namespace Billing.Cli.Ledger;

/// <summary>
/// Verification that does not trust the platform: the anchors come from the chain (memos signed by the authority the
/// user names, read over Solana JSON-RPC); the API supplies only entries and proofs, whose hashes are recomputed here.
/// </summary>
public sealed class ChainVerifier(ApiClient api, string? apiKey, ISolanaRpcClient rpc, PublicKey authority, string ledger)
{
    public const string Book = "main";

    /// <summary>The anchor authority whose memos are believed.</summary>
    public PublicKey Authority => authority;

    /// <summary>
    /// The whole book: entries paged from the API, checked against the authority's linked anchors on chain; and, by the
    /// chain's block times, that anchoring is alive (the newest anchor or heartbeat younger than <paramref name="maxChainSilence"/>).
    /// In the same pass, against every anchor each of <paramref name="retiredAuthorities"/> (keys that anchored the book
    /// before the authority, which anchors it again from entry 1 with no link to them) put on chain: its anchors must link,
    /// and the book must still give each one's root (<see cref="LedgerProblemKind.RetiredAnchorMismatch"/> otherwise).
    /// A retired key stopped anchoring at the change, so it is never judged for entries after it or for its silence.
    /// </summary>
    /// <returns>The entries read, the authority's linked anchors, each retired key's, and every problem (by sequence).</returns>
    public async Task<(int Entries, int Anchors, IReadOnlyList<(PublicKey Key, int Anchors)> Retired, IReadOnlyList<LedgerProblem> Problems)> VerifyBookAsync(
        DateTimeOffset now, TimeSpan maxUnanchoredAge, TimeSpan maxChainSilence, IReadOnlyList<PublicKey> retiredAuthorities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retiredAuthorities);
        var prefixes = BookMemos.Prefixes(ledger, Book);
        var onChain = await ReadAsync(authority, prefixes, cancellationToken).ConfigureAwait(false);
        var (linked, linkProblems) = AnchorChain.Link(onChain.Anchors);
        var retired = new List<(PublicKey Key, AnchorRangeCheck Ranges, IReadOnlyList<LedgerProblem> LinkProblems)>();
        foreach (var key in retiredAuthorities)
        {
            var (keyLinked, keyLinkProblems) = AnchorChain.Link((await ReadAsync(key, prefixes[..1], cancellationToken).ConfigureAwait(false)).Anchors); // anchors only
            retired.Add((key, new AnchorRangeCheck(keyLinked), keyLinkProblems));
        }

        var verifier = new LedgerStreamVerifier(Book, linked, now, maxUnanchoredAge, [.. retired.Select(r => r.Ranges)]);
        var headProblems = new List<LedgerProblem>();
        long? from = 1;
        long? headSequence = 0;
        string? headHash = LedgerEntry.GenesisHash;
        long? upTo = null;
        while (from is { } f)
        {
            var page = await api.GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"/api/v1/ledger/entries?from={f}&limit=1000"), apiKey, cancellationToken).ConfigureAwait(false);
            var unreadable = page?["unreadable"]?.AsArray() ?? [];
            if (upTo is null)
            {
                // Each page's head is read after its rows, so the last page's is read after every row: a row past it was
                // there before it (planted), and a head past the last row names rows appended meanwhile (read next).
                headSequence = page?["head"] is null ? null : page["head"]?["sequence"]?.GetValue<long>() ?? 0;
                headHash = page?["head"] is null ? null : page["head"]?["hash"]?.GetValue<string>() ?? LedgerEntry.GenesisHash;
                headProblems.Clear();
                if (unreadable.FirstOrDefault(u => u?["sequence"] is null) is { } head)
                {
                    headProblems.Add(new LedgerProblem(LedgerProblemKind.HeadUnreadable, 0, null, head["detail"]?.GetValue<string>() ?? "the head row cannot be read"));
                }
            }

            // Rows the platform cannot read come apart from the entries: both go to the verifier in sequence order.
            var rows = (page?["entries"]?.AsArray() ?? []).Select(n => (Sequence: n!["sequence"]!.GetValue<long>(), Node: n, Readable: true))
                .Concat(unreadable.Where(u => u?["sequence"] is not null).Select(n => (Sequence: n!["sequence"]!.GetValue<long>(), Node: n, Readable: false)))
                .OrderBy(r => r.Sequence)
                .TakeWhile(r => upTo is not { } bound || r.Sequence <= bound); // appended after the head was read: the next verification's
            foreach (var (sequence, node, readable) in rows)
            {
                var recordedAt = DateTimeOffset.Parse(node["recordedAt"]?.GetValue<string>() ?? "0001-01-01T00:00:00Z", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                if (readable)
                {
                    using var doc = JsonDocument.Parse(node.ToJsonString());
                    verifier.Add(LedgerEntryJson.FromJson(doc.RootElement), recordedAt);
                }
                else
                {
                    verifier.AddUnreadable(sequence, node["entryId"]?.GetValue<string>(), node["hash"]?.GetValue<string>(), node["detail"]?.GetValue<string>() ?? "the row cannot be read", recordedAt);
                }
            }

            from = page?["next"]?.GetValue<long>();
            if (upTo is { } reached && verifier.LastSequence >= reached)
            {
                from = null;
            }
            else if (from is null && upTo is null && headSequence is { } hs && hs > verifier.LastSequence)
            {
                upTo = hs;
                from = verifier.LastSequence + 1;
            }
        }

        var problems = linkProblems.Concat(headProblems).Concat(verifier.Complete(headSequence, headHash))
            .Concat(onChain.Liveness(verifier.Entries > 0, now, maxChainSilence))
            .Concat(retired.SelectMany(r => RetiredProblems(r.Key, r.LinkProblems, r.Ranges.Problems))).OrderBy(p => p.Sequence).ToList();
        return (verifier.Entries, linked.Count, [.. retired.Select(r => (r.Key, r.Ranges.Count))], problems);
    }

    /// <summary>The memos of the book that <paramref name="key"/> signed under <paramref name="prefixes"/>.</summary>
    private async Task<OnChainBook> ReadAsync(PublicKey key, IReadOnlyList<string> prefixes, CancellationToken cancellationToken)
    {
        var onChain = new OnChainBook(ledger, Book);
        await foreach (var memo in new SignedMemoReader(rpc).ReadAsync(key, prefixes, null, cancellationToken).ConfigureAwait(false))
        {
            onChain.Add(memo.Text, memo.Signature, memo.Slot, memo.BlockTime);
        }

        return onChain;
    }

    /// <summary>
    /// A retired key's findings, each naming the key: its own anchors that do not link keep their kind; an anchor of its
    /// that the book no longer gives is <see cref="LedgerProblemKind.RetiredAnchorMismatch"/>.
    /// </summary>
    private static IEnumerable<LedgerProblem> RetiredProblems(PublicKey key, IEnumerable<LedgerProblem> link, IEnumerable<LedgerProblem> ranges) =>
        link.Select(p => p with { Message = $"retired authority {key}: {p.Message}" })
            .Concat(ranges.Select(p => new LedgerProblem(LedgerProblemKind.RetiredAnchorMismatch, p.Sequence, null,
                $"retired authority {key}: {p.Message}; the book was rewritten after that key anchored it (the authority's anchors do not link to that key's, so only this shows it)")));

    /// <summary>
    /// One entry: its proof from the API, its hash recomputed from its fields, the root taken from the anchor memo of the
    /// proof's transaction, which must be a successful transaction signed by the authority. Returns the problems (empty = included).
    /// </summary>
    public async Task<(LedgerEntry? Entry, OnChainAnchor? Anchor, IReadOnlyList<string> Problems)> VerifyEntryAsync(string proofPath, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var proof = await api.GetJsonAsync(proofPath, apiKey, cancellationToken).ConfigureAwait(false);
        if (proof?["entry"] is not JsonObject entryJson || proof["anchor"]?["signature"]?.GetValue<string>() is not { } signature)
        {
            return (null, null, ["the proof has no entry or anchor transaction"]);
        }

        LedgerEntry entry;
        using (var doc = JsonDocument.Parse(entryJson.ToJsonString()))
        {
            entry = LedgerEntryJson.FromJson(doc.RootElement);
        }

        if (!entry.HashIsValid) // false, not an exception, for a field no encoding holds: a verdict, not a crash
        {
            problems.Add($"entry {entry.EntryId}: its fields do not give its hash {entry.Hash}");
        }

        var tx = await rpc.GetTransactionAsync(signature, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        if (tx is null || tx.Meta is null || tx.Meta.Error is not null)
        {
            problems.Add($"transaction {signature} is not a successful transaction on chain");
            return (entry, null, problems);
        }

        if (!tx.IsSigner(authority.ToString()))
        {
            problems.Add($"transaction {signature} is not signed by the anchor authority {authority}");
            return (entry, null, problems);
        }

        OnChainAnchor? anchor = null;
        foreach (string text in SignedMemoReader.Memos(tx))
        {
            if (AnchorMemo.TryParse(text, out var c) && c.Ledger == ledger && c.Book == entry.Book && c.FromSeq <= entry.Sequence && entry.Sequence <= c.ToSeq)
            {
                anchor = new OnChainAnchor(c, signature, tx.Slot, tx.BlockTime is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null);
            }
        }

        if (anchor is null)
        {
            problems.Add($"transaction {signature} carries no anchor memo of ledger '{ledger}' covering sequence {entry.Sequence}");
            return (entry, null, problems);
        }

        var steps = (proof["proof"]?.AsArray() ?? []).Select(n => new MerkleProofStep(n?["sibling"]?.GetValue<string>() ?? "", n?["isLeft"]?.GetValue<bool>() ?? false)).ToList();
        if (!MerkleTree.Verify(entry.Hash, steps, anchor.Content.RootHex))
        {
            problems.Add($"the proof does not lead from entry {entry.EntryId} to the root {anchor.Content.RootHex} anchored on chain in {signature}");
        }

        return (entry, anchor, problems);
    }
}
