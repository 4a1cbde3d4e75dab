namespace Billing.WebConsole.Tests;

/// <summary>The console's quarantine page (<c>pages/quarantine.js</c>) in headless Chromium: what metering set aside, to whom, and finance's replay.</summary>
[Collection(ConsoleCollection.Name)]
public class QuarantineConsoleTests(ConsoleFixture fixture)
{
    private static Task<string> RenderedAsync(IPage page) => page.EvaluateAsync<string>("() => document.querySelector('#page section').dataset.render");

    /// <summary>Publishes events to the carrier hub as ingestion does after its 202, and waits until metering has read them.</summary>
    private async Task MeterAsync(params JsonObject[] events)
    {
        fixture.Platform.Host.Broker.GetHub("carrier-offload").Publish(events.Select(e => e.ToJsonString()), "console-quarantine");
        await fixture.Platform.DrainAsync();
    }

    /// <summary>
    /// Meters an event on one of the usage page's hotspots (its session counted there), then sends the same id with other
    /// content and a <c>note</c> written as <paramref name="rawNote"/> in the JSON text, as a careless (or hostile)
    /// partner's serializer may leave markup or any character unescaped: a conflict, quarantined with that payload.
    /// </summary>
    private async Task ConflictAsync(string id, int minutesAgo, string rawNote)
    {
        string hotspot = fixture.CarrierSessions[0].Hotspot;
        var time = fixture.Now.AddMinutes(-minutesAgo);
        using (var first = await fixture.Platform.PostUsageAsync(PlatformFixture.CarrierKey, new JsonArray(SampleEvents.Carrier(id, hotspot, 1_000, 1_000, time))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        fixture.CarrierSessions.Add((time, hotspot, 2_000));
        await fixture.Platform.DrainAsync();
        var second = SampleEvents.Carrier(id, hotspot, 2_000, 1_000, time);
        second["note"] = "NOTE";
        await PostAsync("[" + second.ToJsonString().Replace("\"NOTE\"", rawNote, StringComparison.Ordinal) + "]");
    }

    private async Task PostAsync(string body)
    {
        using var response = await fixture.Platform.Client.SendAsync(fixture.Platform.Request(HttpMethod.Post, "api/v1/usage", PlatformFixture.CarrierKey,
            new StringContent(body, System.Text.Encoding.UTF8, "application/cloudevents-batch+json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await fixture.Platform.DrainAsync();
    }

    [Fact]
    public async Task Quarantine_FinanceReplaysFromThePage_EachAnswerShownInPlaceAndTheRecordUpdated_NoButtonForTheCarrier()
    {
        string stamp = Guid.NewGuid().ToString("N")[..10];
        string source = $"carrier-late-{stamp}";
        var invalid = SampleEvents.Carrier($"console-invalid-{stamp}", PlatformFixture.NewHotspot(), -1, 0); // invalid for good
        var late = SampleEvents.Carrier($"console-late-{stamp}", PlatformFixture.NewHotspot(), 1_000, 2_000, source: source); // its partner is registered later
        string invalidId = invalid["id"]!.GetValue<string>(), lateId = late["id"]!.GetValue<string>(), conflictId = $"console-conflict-{stamp}";
        await MeterAsync(invalid, late);
        var counted = SampleEvents.Carrier(conflictId, fixture.CarrierSessions[0].Hotspot, 1_000, 1_000, fixture.Now.AddMinutes(-50));
        await PostAsync("[" + counted.ToJsonString() + "]");
        fixture.CarrierSessions.Add((fixture.Now.AddMinutes(-50), fixture.CarrierSessions[0].Hotspot, 2_000)); // what the usage page must add up
        counted["data"]!["uploadBytes"] = 5_000;
        await PostAsync("[" + counted.ToJsonString() + "]"); // the same id with other content: a conflict
        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, "#/quarantine?source=carrier-tmo&kind=invalid&replayed=false", "quarantine");
        await page.EvaluateAsync("() => { window.sameDocument = true; }"); // gone if the page reloads
        string rendered = await RenderedAsync(page);

        var row = page.Locator($"#quarantine-list tr[data-event='{invalidId}']");
        Assert.Equal("—", (await row.Locator("td.replay-record").TextContentAsync())!.Trim());
        await row.Locator("button.replay").ClickAsync();
        string stillInvalid = (await row.Locator(".replay-answer .problem[data-status='422']").TextContentAsync())!;
        await row.Locator("td.replay-record .badge").WaitForAsync();
        string invalidRecord = (await row.Locator("td.replay-record").TextContentAsync())!;
        string afterInvalid = await RenderedAsync(page);

        await ConsolePage.OpenAsync(page, "#/quarantine?kind=conflict&source=carrier-tmo", "quarantine");
        var conflictRow = page.Locator($"#quarantine-list tr[data-event='{conflictId}']");
        await conflictRow.Locator("button.replay").ClickAsync();
        string conflict = (await conflictRow.Locator(".replay-answer .problem[data-status='409']").TextContentAsync())!;

        using (var create = await fixture.Platform.CreatePartnerAsync(source, "carrier", "carrier-standard-v1"))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        }

        await ConsolePage.OpenAsync(page, $"#/quarantine?source={source}", "quarantine");
        var lateRow = page.Locator($"#quarantine-list tr[data-event='{lateId}']");
        string afterFilters = await RenderedAsync(page);
        await lateRow.Locator("button.replay").ClickAsync();
        string metered = (await lateRow.Locator(".replay-answer .replay-ok[data-outcome='metered']").TextContentAsync())!;
        string meteredRecord = (await lateRow.Locator("td.replay-record").TextContentAsync())!;
        await lateRow.Locator("button.replay").ClickAsync();
        string duplicate = (await lateRow.Locator(".replay-answer .replay-ok[data-outcome='duplicate']").TextContentAsync())!;
        string standing = (await lateRow.Locator("td.replay-record").TextContentAsync())!;
        await ConsolePage.ScreenshotAsync(page, "quarantine-replay");

        Assert.Contains("still invalid: it stays quarantined with these reasons", stillInvalid, StringComparison.Ordinal);
        Assert.Contains("data.uploadBytes", stillInvalid, StringComparison.Ordinal);
        Assert.Contains("invalid", invalidRecord, StringComparison.Ordinal);
        Assert.Contains("by finance", invalidRecord, StringComparison.Ordinal);
        Assert.Contains("a differing version of a metered event is never replayed over it", conflict, StringComparison.Ordinal);
        Assert.Contains("the event counts from now on", metered, StringComparison.Ordinal);
        Assert.Contains("metered", meteredRecord, StringComparison.Ordinal);
        Assert.Contains("nothing was counted again", duplicate, StringComparison.Ordinal);
        Assert.StartsWith("metered", standing.Trim(), StringComparison.Ordinal); // the replay that counted it stands
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true")); // answered in place: no reload
        Assert.Equal((rendered, afterFilters), (afterInvalid, await RenderedAsync(page))); // nor re-rendered
        var usage = await fixture.Platform.GetUsageAsync(PlatformFixture.FinanceKey, $"payer={source}&meter=offload.bytes&window=month");
        Assert.Equal(3_000, usage["rows"]!.AsArray().Sum(r => r!["quantity"]!.GetValue<long>())); // counted once

        await ConsolePage.OpenAsync(page, "#/quarantine?source=carrier-tmo&replayed=true", "quarantine");
        Assert.Equal(1, await page.Locator($"#quarantine-list tr[data-event='{invalidId}']").CountAsync());
        Assert.Equal(0, await page.Locator($"#quarantine-list tr[data-event='{conflictId}']").CountAsync()); // a refused conflict records no replay
        string id = (await page.Locator($"#quarantine-list tr[data-event='{invalidId}']").GetAttributeAsync("data-id"))!;
        await ConsolePage.OpenAsync(page, $"#/quarantine/{Uri.EscapeDataString(id)}", "quarantine");
        Assert.Equal(1, await page.Locator("#quarantine-replays li").CountAsync());
        Assert.Contains("by finance", await page.TextContentAsync("#quarantine-replay"), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("button.replay").CountAsync());
        await page.Context.CloseAsync();

        page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.CarrierKey, "#/quarantine?kind=invalid", "quarantine");
        string carrierSees = (await page.Locator($"#quarantine-list tr[data-event='{invalidId}'] td.replay-record").TextContentAsync())!;
        int carrierButtons = await page.Locator("button.replay").CountAsync();
        await ConsolePage.OpenAsync(page, $"#/quarantine/{Uri.EscapeDataString(id)}", "quarantine");

        Assert.Contains("by finance", carrierSees, StringComparison.Ordinal); // the record, for the event's own partner too
        Assert.Equal(0, carrierButtons); // replaying is finance's
        Assert.Equal(0, await page.Locator("button.replay").CountAsync());
        Assert.Equal(1, await page.Locator("#quarantine-replays li").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Quarantine_EventSetAsideTwiceThenReplayedWithOtherReasons_ListShowsTheDeliveriesAndTheDetailTheNewLatestReasons()
    {
        string stamp = Guid.NewGuid().ToString("N")[..10];
        string source = $"carrier-again-{stamp}";
        // Its partner is not registered and its bytes are out of range: once the partner is, a replay finds other reasons.
        var again = SampleEvents.Carrier($"console-again-{stamp}", PlatformFixture.NewHotspot(), -1, 0, source: source);
        string eventId = again["id"]!.GetValue<string>();
        await MeterAsync(again);
        await MeterAsync(again); // redelivered
        using (var create = await fixture.Platform.CreatePartnerAsync(source, "carrier", "carrier-standard-v1"))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        }

        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, $"#/quarantine?source={source}", "quarantine");
        var row = page.Locator($"#quarantine-list tr[data-event='{eventId}']");
        string deliveries = (await row.Locator("td .deliveries").TextContentAsync())!;
        string id = (await row.GetAttributeAsync("data-id"))!;
        await ConsolePage.OpenAsync(page, $"#/quarantine/{Uri.EscapeDataString(id)}", "quarantine");
        int latestBefore = await page.Locator("#quarantine-latest-reasons li").CountAsync();
        string first = (await page.TextContentAsync("#quarantine-reasons"))!;

        await page.Locator("button.replay").ClickAsync();
        await page.Locator(".replay-answer .problem[data-status='422']").WaitForAsync();
        await page.Locator("#quarantine-latest-reasons li").First.WaitForAsync();
        string latest = (await page.TextContentAsync("#quarantine-latest-reasons"))!;

        Assert.Equal("×2", deliveries.Trim());
        Assert.Equal(0, latestBefore); // the redelivery had the first reasons
        Assert.Contains("uploadBytes", latest, StringComparison.Ordinal);
        Assert.NotEqual(first, latest);
        Assert.Equal(first, await page.TextContentAsync("#quarantine-reasons")); // the first reasons stay
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Quarantine_ConflictWithMarkupInItsPayload_ListedForFinanceAndItsCarrierShownAsTextHiddenFromOthers()
    {
        string id = $"console-conflict-{Guid.NewGuid():N}";
        await ConflictAsync(id, 40, "\"<b id='injected'>bold</b>\"");
        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, "#/quarantine?kind=conflict&source=carrier-tmo", "quarantine");
        var row = page.Locator($"#quarantine-list tr[data-event='{id}']");
        Assert.Equal("conflict", (await row.Locator(".badge").TextContentAsync())!.Trim());
        await ConsolePage.ScreenshotAsync(page, "quarantine");
        await row.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("section[data-page='quarantine'][data-ready='true'] #quarantine-raw");

        Assert.Contains("<b id='injected'>bold</b>", await page.TextContentAsync("#quarantine-raw"), StringComparison.Ordinal);
        Assert.Contains("1000", await page.TextContentAsync("#quarantine-existing"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#injected").CountAsync()); // shown as text, never parsed as HTML
        Assert.NotEmpty(await page.Locator("#quarantine-reasons li").AllTextContentsAsync());
        await page.Context.CloseAsync();

        page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.CarrierKey, "#/quarantine?kind=conflict", "quarantine");
        Assert.Equal(1, await page.Locator($"#quarantine-list tr[data-event='{id}']").CountAsync());
        Assert.Equal(0, await page.Locator("#q-source").CountAsync()); // a carrier reads only its own
        await page.Context.CloseAsync();

        page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.OtherCarrierKey, "#/quarantine?kind=conflict", "quarantine");
        Assert.Equal(0, await page.Locator($"tr[data-event='{id}']").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Quarantine_ConflictWithBidiOverridesInItsPayload_ShownWithThemSpelledOutSoTheTextReadsInOrder()
    {
        string id = $"console-bidi-{Guid.NewGuid():N}";
        // A right-to-left override, a pop and an isolate as raw characters in the JSON text (valid JSON, no escapes needed):
        // shown as they are they would make the rest of the payload read backwards. Then a zero-width space, a soft hyphen and
        // a tag character (beyond U+FFFF), which draw as nothing.
        await ConflictAsync(id, 35, "\"\u202E0001$ \u202C\u2067x\u200B\u00AD\U000E0041\"");
        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, "#/quarantine?kind=conflict&source=carrier-tmo", "quarantine");
        await page.Locator($"#quarantine-list tr[data-event='{id}'] a").ClickAsync();
        await page.WaitForSelectorAsync("section[data-page='quarantine'][data-ready='true'] #quarantine-raw");
        string raw = (await page.TextContentAsync("#quarantine-raw"))!;
        await page.Context.CloseAsync();

        Assert.Contains("\"note\":\"\\u202E0001$ \\u202C\\u2067x\\u200B\\u00AD\\U000E0041\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain('\u200B', raw);
        Assert.DoesNotContain('\u202E', raw);
        Assert.DoesNotContain('\u2067', raw);
    }
}
