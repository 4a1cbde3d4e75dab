namespace Billing.Domain.Ledger;

public enum LedgerProblemKind
{
    /// <summary>The stored hash differs from the hash recomputed from the entry's fields: the entry was changed.</summary>
    HashMismatch,

    /// <summary>The entry's previous hash is not the stored hash of the entry before it: the chain is broken.</summary>
    PreviousHashMismatch,

    /// <summary>Sequences are missing (an entry was removed, or the list starts late).</summary>
    SequenceGap,

    /// <summary>Two entries carry the same sequence.</summary>
    DuplicateSequence,

    /// <summary>The list is not in ascending sequence order (e.g. a swapped pair).</summary>
    OutOfOrder,

    /// <summary>Postings of some asset do not sum to zero.</summary>
    Unbalanced,

    /// <summary>The entry breaks another rule (too few postings, zero amount, bad name, sequence below the start, …).</summary>
    InvalidEntry,

    /// <summary>Two entries carry the same entry id.</summary>
    DuplicateEntryId,

    /// <summary>The entry belongs to another book than the first entry of the list.</summary>
    WrongBook,

    /// <summary>The book's head (last sequence and hash) does not match the last entry: entries were dropped from the end or added around the store.</summary>
    HeadMismatch,

    /// <summary>Entries an anchor covers are missing.</summary>
    AnchorIncomplete,

    /// <summary>The Merkle root of the entries an anchor covers differs from the anchored root.</summary>
    AnchorRootMismatch,

    /// <summary>On-chain anchors do not link up: a range is missing, or an anchor's previous root is not the root before it.</summary>
    AnchorLinkBroken,

    /// <summary>Two different anchors signed by the authority claim overlapping ranges.</summary>
    AnchorConflict,

    /// <summary>An entry older than the anchoring interval plus the grace period is not covered by an anchor on chain.</summary>
    NotAnchored,

    /// <summary>
    /// The entry's row holds what the platform never writes there (a value of another type, a required property removed,
    /// postings that are not a posting list): its fields cannot be read, so neither its hash nor its rules can be checked.
    /// </summary>
    EntryUnreadable,

    /// <summary>The book's head row cannot be read: it cannot be compared with the last entry, and nothing is appended to the book.</summary>
    HeadUnreadable,

    /// <summary>
    /// The newest anchor or heartbeat of the book on chain (by its block time) is older than the heartbeat interval plus
    /// the anchoring interval and grace: the anchoring service stopped, judged by the chain's clock, not the rows'.
    /// </summary>
    AnchoringStalled,

    /// <summary>
    /// A heartbeat signed by the authority does not name the book's newest anchor on chain before it (by slot): it names a
    /// last sequence and root that no anchor of the book on chain has, an older anchor, or none (sequence 0) after anchors.
    /// </summary>
    HeartbeatMismatch,

    /// <summary>
    /// The book no longer gives what a retired anchor authority (a key that signed the book's anchors before the current
    /// one) anchored: an anchor of that key covers entries whose Merkle root differs from its root, or that are missing.
    /// The current key's anchors cover the book again from entry 1 with no link to the retired key's, so this is the one
    /// sign of history rewritten around the change of the key.
    /// </summary>
    RetiredAnchorMismatch,
}
