using System.Runtime.CompilerServices;
using Billing.Solana.Programs;

namespace Billing.Solana.Rpc;

/// <summary>
/// Reads, from the chain alone, the Memo-program memos that start with a prefix and sit in successful transactions
/// signed by an authority: pages <c>getSignaturesForAddress(authority)</c> newest first and fetches each candidate with
/// <c>getTransaction</c>. What storage says plays no part, so nobody without the authority's key can add, change or
/// hide a memo it yields. A transaction that merely mentions the authority (without its signature) is skipped.
/// </summary>
public sealed class SignedMemoReader(ISolanaRpcClient rpc)
{
    public const int PageSize = 1000;

    /// <summary>Matching memos, newest first; with <paramref name="until"/>, only those newer than that signature.</summary>
    public IAsyncEnumerable<SignedMemo> ReadAsync(PublicKey authority, string prefix, string? until, CancellationToken cancellationToken) =>
        ReadAsync(authority, [prefix], until, cancellationToken);

    /// <summary>
    /// Memos that start with any of <paramref name="prefixes"/>, in one pass over the authority's transactions. The list is
    /// read as each candidate is met, so a caller may drop a prefix it needs no more of: what only that prefix matches is
    /// then not fetched.
    /// </summary>
    public IAsyncEnumerable<SignedMemo> ReadAsync(PublicKey authority, IReadOnlyList<string> prefixes, string? until, CancellationToken cancellationToken) =>
        ReadAsync(authority, prefixes, null, until, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAsync(PublicKey, IReadOnlyList{string}, string?, CancellationToken)"/>, only older than
    /// <paramref name="before"/> when it is set: the memos between two known transactions, newest first.
    /// </summary>
    public async IAsyncEnumerable<SignedMemo> ReadAsync(PublicKey authority, IReadOnlyList<string> prefixes, string? before, string? until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(prefixes);
        if (prefixes.Count == 0 || prefixes.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one prefix, none empty.", nameof(prefixes));
        }

        string authorityText = authority.ToString();
        while (true)
        {
            var page = await rpc.GetSignaturesForAddressAsync(authority, before, until, PageSize, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
            foreach (var info in page)
            {
                // The node's memo summary is only a filter: the memo itself is read from the transaction below.
                if (info.Error is not null || info.Memo is null || !prefixes.Any(p => info.Memo.Contains(p, StringComparison.Ordinal)))
                {
                    continue;
                }

                var tx = await rpc.GetTransactionAsync(info.Signature, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
                if (tx is null || tx.Meta is null || tx.Meta.Error is not null || !tx.IsSigner(authorityText))
                {
                    continue;
                }

                foreach (string text in Memos(tx))
                {
                    if (prefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal)))
                    {
                        yield return new SignedMemo(info.Signature, tx.Slot, tx.BlockTime ?? info.BlockTime, text);
                    }
                }
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            before = page[^1].Signature;
        }
    }

    /// <summary>The UTF-8 text of each top-level Memo-program instruction of <paramref name="tx"/>.</summary>
    public static IEnumerable<string> Memos(TransactionInfo tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        string memoProgram = MemoProgram.ProgramIdKey.ToString();
        var strict = new UTF8Encoding(false, true);
        foreach (var ix in tx.Instructions)
        {
            if (ix.ProgramIdIndex < 0 || ix.ProgramIdIndex >= tx.AccountKeys.Count || tx.AccountKeys[ix.ProgramIdIndex] != memoProgram)
            {
                continue;
            }

            string? text;
            try
            {
                text = strict.GetString(ix.Data);
            }
            catch (DecoderFallbackException)
            {
                text = null;
            }

            if (text is not null)
            {
                yield return text;
            }
        }
    }
}
