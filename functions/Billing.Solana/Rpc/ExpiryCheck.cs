namespace Billing.Solana.Rpc;

/// <summary>
/// What <see cref="SignatureStatusChecker.CheckExpiryAsync"/> found: whether the transaction can never land, and when the
/// only thing short of proof is a status node behind the height's node, why (for the burn's reason: a node that always
/// lags keeps a burn in flight, and that must not be silent).
/// </summary>
public sealed record ExpiryCheck(bool CanNeverLand, string? Unprovable);
