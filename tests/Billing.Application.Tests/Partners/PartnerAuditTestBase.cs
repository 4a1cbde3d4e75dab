namespace Billing.Application.Tests.Partners;

/// <summary>
/// What the partner audit verifier tests share: a fresh <see cref="PartnerAuditSetup"/> on the Azurite collection (the
/// attribute is inherited, so every derived test class is in it).
/// </summary>
[Collection(AzuriteCollection.Name)]
public abstract class PartnerAuditTestBase(AzuriteFixture azurite)
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Partner management and the verifier on fresh tables (<see cref="PartnerAuditSetup.NewAsync"/>).</summary>
    private protected Task<PartnerAuditSetup> NewAsync() => PartnerAuditSetup.NewAsync(azurite);
}
