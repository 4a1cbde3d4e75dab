namespace Billing.Domain.Ledger;

/// <summary>What a seal (<see cref="LedgerSealKeys"/>) says of the row it is on, as the store read it.</summary>
public enum EntrySealState
{
    /// <summary>No seal: written before seals, planted by someone with table access, or an entry not read from storage.</summary>
    Unsealed = 0,

    /// <summary>A seal that verifies under the current or a retired key of this deployment: written by it.</summary>
    Sealed = 1,

    /// <summary>A seal that verifies under no configured key: forged, made with a key since removed, or the row changed since.</summary>
    Invalid = 2,
}
