namespace Billing.Application.Ledger;

/// <summary>How acknowledging a reconcile finding ended.</summary>
public enum AcknowledgeOutcome
{
    /// <summary>Booked: reconcile lists the finding as acknowledged while its detail stays as it is.</summary>
    Acknowledged,

    /// <summary>Acknowledged before for the detail it has now: nothing booked, the earlier acknowledgement stands.</summary>
    AlreadyAcknowledged,

    /// <summary>Reconcile reports no finding of that kind about that subject now.</summary>
    NotFound,

    /// <summary>The finding's detail is not the one the caller saw (more money moved since): nothing booked.</summary>
    DetailChanged,

    /// <summary>A kind the platform settles itself or that a repair settles (<see cref="ReconcileAcknowledgement.CanAcknowledge"/>).</summary>
    NotAcknowledgeable,
}
