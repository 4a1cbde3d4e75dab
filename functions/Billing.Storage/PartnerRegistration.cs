using Billing.Domain.Partners;

namespace Billing.Storage;

/// <summary>A partner plus the API key it authenticates with (plain text only on the way in, e.g. when seeding).</summary>
public sealed record PartnerRegistration(Partner Partner, string ApiKey);
