using static Billing.Storage.Tests.Ledger.LedgerTables;

namespace Billing.Storage.Tests.Ledger;

/// <summary>The anchor timer's evidence entries (<see cref="PartnerAuditPins"/>) as the ledger stores them.</summary>
[Collection(AzuriteCollection.Name)]
public class LedgerStorePartnerAuditPinsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AppendAsync_PinsOfPlantedPartnerRowsWithLongNonAsciiIds_EveryEntryFitsItsRow()
    {
        var (_, ledger, _) = await LedgerTables.NewAsync(azurite);
        // Partner rows planted outside the platform under canonical keys (ids longer than the 128 characters it allows,
        // 'é' needs no key escape), each 'é' 6 characters in the JSON the row holds ("\u00E9"): a full entry of them took
        // over 32,000 characters, refused by storage on every tick.
        var pins = Enumerable.Range(0, PartnerAuditPins.MaxPerEntry)
            .Select(i => (i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture) + new string('é', 198), new PartnerAuditPin(i + 1, new string('a', 64))));

        var drafts = PartnerAuditPins.Drafts(pins, T0);
        foreach (var draft in drafts)
        {
            await ledger.AppendAsync("main", draft, Ct);
        }

        var booked = await ledger.ReadAllAsync("main", Ct);
        Assert.Equal(PartnerAuditPins.MaxPerEntry, booked.Sum(e => PartnerAuditPins.Read(e.Metadata).Count));
    }
}
