using Billing.Functions.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Billing.Functions.Tests.Http;

/// <summary>Typed problem answers write the same status, content type and bytes as <see cref="Problem"/> did.</summary>
public sealed class ApiProblemsTests
{
    private static async Task<(int Status, string? ContentType, string Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).AddOptions().BuildServiceProvider(),
        };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, context.Response.ContentType, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task BadRequest_WithFieldErrors_WritesWhatProblemWrote()
    {
        var typed = await ExecuteAsync(ApiProblems.BadRequest("invalid query parameters", new ApiFieldError("from", "must be a sequence number ≥ 1"), new ApiFieldError("limit", "'x' <b>")));
        var old = await ExecuteAsync(Problem.BadRequest("invalid query parameters", new FieldError("from", "must be a sequence number ≥ 1"), new FieldError("limit", "'x' <b>")).ToResult());

        Assert.Equal(old, typed);
    }

    [Fact]
    public async Task Of_WithoutErrors_WritesWhatProblemWrote()
    {
        var typed = await ExecuteAsync(ApiProblems.Of(409, "Not anchored yet", "entry e (sequence 3) is not covered"));
        var old = await ExecuteAsync(new Problem(409, "Not anchored yet", "entry e (sequence 3) is not covered").ToResult());

        Assert.Equal(old, typed);
    }
}
