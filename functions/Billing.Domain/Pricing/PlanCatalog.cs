namespace Billing.Domain.Pricing;

/// <summary>
/// The set of loaded price plans, by id. Build it at start-up from the plan files
/// (<c>plans/*.json</c>); every file is validated and a bad one throws <see cref="PlanValidationException"/>.
/// </summary>
public sealed class PlanCatalog : IPriceCatalog
{
    private readonly Dictionary<string, PricePlan> _plans;

    public PlanCatalog(IEnumerable<PricePlan> plans) => _plans = UniqueIndex.By(plans, p => p.Id, "Price plan", nameof(plans));

    /// <summary>Plans in ordinal id order.</summary>
    public IReadOnlyList<PricePlan> Plans => [.. _plans.Values.OrderBy(p => p.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Parses plan files given as (file name, JSON text) pairs, e.g. from <c>Directory.EnumerateFiles(dir, "*.json")</c>.
    /// The plan <c>id</c> must equal the file name without <c>.json</c>, and ids must be unique.
    /// </summary>
    public static PlanCatalog Load(IEnumerable<KeyValuePair<string, string>> files, IReadOnlyDictionary<string, IReadOnlyList<string>>? knownMeters = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var plans = new List<PricePlan>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string path, string json) in files)
        {
            string file = Path.GetFileName(path);
            PricePlan plan = PlanLoader.Parse(json, file, knownMeters);
            if (!string.Equals(file, plan.Id + ".json", StringComparison.Ordinal))
            {
                throw new PlanValidationException(file, "id", $"'{plan.Id}' does not match the file name (expected {plan.Id}.json)");
            }

            if (!ids.Add(plan.Id))
            {
                throw new PlanValidationException(file, "id", $"plan '{plan.Id}' is defined twice");
            }

            plans.Add(plan);
        }

        return new PlanCatalog(plans);
    }

    public bool TryGet(string planId, [NotNullWhen(true)] out PricePlan? plan) => _plans.TryGetValue(planId, out plan);

    /// <summary>The plan with this id; throws <see cref="KeyNotFoundException"/> naming the known ids.</summary>
    public PricePlan Get(string planId) =>
        _plans.TryGetValue(planId, out PricePlan? plan)
            ? plan
            : throw new KeyNotFoundException(
                $"Unknown price plan '{planId}' (known: {string.Join(", ", _plans.Keys.Order(StringComparer.Ordinal))}).");

    /// <inheritdoc cref="PricePlan.Prices"/>
    public bool IsPriced(string planId, string meter, string dimensionValue) =>
        _plans.TryGetValue(planId, out PricePlan? plan) && plan.Prices(meter, dimensionValue);

    /// <inheritdoc/>
    public PricePlan? FindPlan(string planId) => _plans.GetValueOrDefault(planId);

    /// <inheritdoc/>
    public string? PricingDimension(string planId, string meter) =>
        _plans.TryGetValue(planId, out PricePlan? plan) ? plan.FindMeter(meter)?.Dimension : null;
}
