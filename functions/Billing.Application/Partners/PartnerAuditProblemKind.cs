namespace Billing.Application.Partners;

/// <summary>What is wrong with a partner's audit trail or row (<see cref="PartnerAuditVerifier"/>).</summary>
public enum PartnerAuditProblemKind
{
    /// <summary>The stored hash differs from the hash recomputed from the entry: the entry was changed.</summary>
    HashMismatch,

    /// <summary>The entry's previous hash is not the hash of the entry before it: an entry was removed, inserted or reordered.</summary>
    PreviousHashMismatch,

    /// <summary>The entries' sequence numbers are not 1, 2, 3, …: an entry is missing or repeated.</summary>
    SequenceMismatch,

    /// <summary>The head (last hash and count) on the partner row does not match the last entry: entries were dropped from the end or the row was replaced.</summary>
    HeadMismatch,

    /// <summary>The by-time copy of an entry (what the audit listing shows) is missing or differs from the partner's entry.</summary>
    CopyMismatch,

    /// <summary>An entry belongs to another partner than the trail it is stored in.</summary>
    WrongPartner,

    /// <summary>A change's "before" is not what the entries before it left, or its values cannot be replayed.</summary>
    ReplayMismatch,

    /// <summary>A billing-relevant value of the partner row differs from what replaying the audit trail gives: the row was changed around the audit.</summary>
    StateMismatch,

    /// <summary>The partner row holds a value the registry cannot read.</summary>
    RowUnreadable,

    /// <summary>The partner has an audit trail but no row.</summary>
    RowMissing,

    /// <summary>
    /// An invoice's ledger entry pinned the payer's audit chain at an entry (<see cref="Billing.Domain.Ledger.PartnerAuditPin"/>)
    /// that the chain no longer has with that hash, or at all: the history the invoice was billed under was rewritten
    /// (or, when the pin cannot be read, the ledger entry was changed, which ledger verify reports against its anchor).
    /// </summary>
    PinMismatch,
}
