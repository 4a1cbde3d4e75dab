using Microsoft.AspNetCore.Http.HttpResults;
using WebhookFunction = Billing.Functions.StripeWebhook.StripeWebhookFunction;

namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>The webhook's own handling of the request, before any event is recorded: what it reads of an anonymous body.</summary>
public class StripeWebhookFunctionTests
{
    [Fact]
    public async Task InvokeAsync_BodyOfManyMebibytes_Answers413WithoutBufferingIt()
    {
        // Nothing below the size check is reached, so the processors are not needed.
        var handler = new StripeWebhookHandler(Options.Create(new StripeOptions()), TimeProvider.System, NullLogger<StripeWebhookHandler>.Instance);
        var function = new WebhookFunction(handler, null!, null!, null!, null!, null!, NullLogger<WebhookFunction>.Instance);
        var http = new DefaultHttpContext();
        http.Request.Body = new GeneratedBody(96L * 1024 * 1024); // no Content-Length: sent chunked, as anyone may

        long before = GC.GetAllocatedBytesForCurrentThread(); // the body's reads complete synchronously, so all of it runs here
        var answer = await function.InvokeAsync(http.Request, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var problem = Assert.IsType<JsonHttpResult<ApiProblem>>(answer.Result);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, problem.StatusCode);
        Assert.Equal("$", Assert.Single(problem.Value!.Errors!).Field);
        // Before: the whole body was copied into a MemoryStream and only then measured (≈ 256 MiB allocated for 96 MiB sent);
        // the route is anonymous, so a few such requests could exhaust the worker that also meters usage.
        Assert.True(allocated < 8L * 1024 * 1024, $"{allocated} bytes allocated reading a 96 MiB body");
    }

    // A signed body whose id is a JSON escape of a lone surrogate: valid JSON, not text. It threw out of the handler, a 500
    // that Stripe retried for days; it is an event the platform cannot read, answered 400 as any other (logged, nothing stored).
    [Theory]
    [InlineData("credit_note.created")]
    [InlineData("charge.refunded")]
    [InlineData("invoice_payment.paid")]
    public async Task InvokeAsync_SignedEventWhoseIdIsNoText_Answers400NamingTheReason(string type)
    {
        const string secret = "whsec_test_lone_surrogate";
        var now = DateTimeOffset.UtcNow;
        string body = (type switch
        {
            "credit_note.created" => StripeTestEvents.CreditNote("evt_1", "cn_1LONE", "in_1", 100, "usd", now),
            "charge.refunded" => StripeTestEvents.ChargeRefunded("evt_1", "ch_1LONE", 100, 100, "usd", now),
            _ => StripeTestEvents.InvoicePaymentPaid("evt_1", "inpay_1LONE", "in_1", 100, "usd", now, "pi_1"),
        }).Replace("LONE", "\\ud800", StringComparison.Ordinal);
        var handler = new StripeWebhookHandler(Options.Create(new StripeOptions { WebhookSecret = secret }), TimeProvider.System, NullLogger<StripeWebhookHandler>.Instance);
        var function = new WebhookFunction(handler, null!, null!, null!, null!, null!, NullLogger<WebhookFunction>.Instance); // a rejected event records nothing
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Request.Headers[StripeWebhookVerifier.HeaderName] = StripeWebhookSigner.Sign(body, secret, now);

        var answer = await function.InvokeAsync(http.Request, CancellationToken.None);

        var problem = Assert.IsType<JsonHttpResult<ApiProblem>>(answer.Result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Contains("does not carry", problem.Value!.Detail, StringComparison.Ordinal);
    }

    /// <summary>A body of <c>length</c> bytes made as it is read, so the test itself holds none of it.</summary>
    private sealed class GeneratedBody(long length) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - position);
            buffer[..n].Fill((byte)'x');
            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
