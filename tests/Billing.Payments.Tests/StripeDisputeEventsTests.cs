using Billing.Domain.Credits;

namespace Billing.Payments.Tests;

/// <summary>
/// <c>charge.dispute.*</c> through the real handler, signed like Stripe signs it: every dispute event is read, and one that lacks
/// a field is still read (with the problem) rather than rejected, since Stripe retries a 4xx for days.
/// </summary>
public sealed class StripeDisputeEventsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly StripeWebhookHarness _webhooks = new("whsec_test_disputes", Now);

    private static string Disputed(string type = "charge.dispute.created", string status = "needs_response") =>
        StripeTestEvents.ChargeDispute("evt_du_1", type, "du_1", "ch_1", 1_234, "usd", status, Now.AddMinutes(-1), "pi_1");

    private IncomingDispute Read(string body) => Assert.IsType<WebhookOutcome.DisputeReceived>(_webhooks.Handle(body)).Dispute;

    [Theory]
    [InlineData("charge.dispute.created", "needs_response")]
    [InlineData("charge.dispute.updated", "under_review")]
    [InlineData("charge.dispute.funds_withdrawn", "needs_response")]
    [InlineData("charge.dispute.funds_reinstated", "won")]
    [InlineData("charge.dispute.closed", "lost")]
    [InlineData("charge.dispute.closed", "warning_closed")]
    public void Handle_DisputeEvent_ReturnsTheDisputeWithItsStatus(string type, string status)
    {
        var dispute = Read(Disputed(type, status));

        Assert.Equal(new IncomingDispute("evt_du_1", type, "du_1", "ch_1", "pi_1", 1_234, "USD", status, "fraudulent", Now.AddMinutes(-1)), dispute);
    }

    // An earlier attempt answered 400 to these: Stripe retried them for days and nothing was recorded.
    [Theory]
    [InlineData("\"charge\": \"ch_1\",", "", "charge is missing")]
    [InlineData("\"amount\": 1234,", "", "amount is missing")]
    [InlineData("\"amount\": 1234,", "\"amount\": \"12.34\",", "not a non-negative integer")]
    [InlineData("\"currency\": \"usd\",", "", "currency is missing")]
    [InlineData("\"status\": \"needs_response\"", "\"reason2\": 1", "status is missing")]
    [InlineData("\"status\": \"needs_response\"", "\"status\": \"escalated\"", "not one Stripe documents")]
    public void Handle_DisputeLackingAField_ReadWithTheProblemNotRejected(string written, string replacement, string problem)
    {
        string body = Disputed();
        Assert.Contains(written, body, StringComparison.Ordinal);

        var dispute = Read(body.Replace(written, replacement, StringComparison.Ordinal));

        Assert.Equal(("du_1", "evt_du_1"), (dispute.DisputeId, dispute.EventId));
        Assert.Contains(problem, dispute.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_DisputeEventWithoutADisputeObject_ReadUnderItsEventIdWithTheProblem()
    {
        string body = Disputed().Replace("\"object\": \"dispute\"", "\"object\": \"charge\"", StringComparison.Ordinal);

        var dispute = Read(body);

        Assert.Equal(("evt_du_1", null, null), (dispute.DisputeId, dispute.ChargeId, dispute.Status));
        Assert.Contains("no dispute object", dispute.Problem, StringComparison.Ordinal);
    }
}
