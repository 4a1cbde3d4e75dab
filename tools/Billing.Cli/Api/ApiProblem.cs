using ContractProblem = Billing.Contracts.Problems.ApiProblem;

namespace Billing.Cli.Api;

/// <summary>
/// An RFC 9457 problem (<c>application/problem+json</c>) as the API returns it, read as the server's
/// <see cref="ContractProblem"/>; <paramref name="Body"/> is that record, null when the body was not a problem object
/// (a proxy's error page, plain text), whose text then becomes the detail.
/// </summary>
public sealed record ApiProblem(int Status, string? Title, string? Detail, IReadOnlyList<(string Field, string Reason)> Errors, ContractProblem? Body)
{
    public static ApiProblem From(int status, string? body)
    {
        ContractProblem? problem = null;
        try
        {
            problem = string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize(body, BillingJsonContext.Default.ApiProblem);
        }
        catch (JsonException)
        {
            // not a problem object: keep the text as the detail
        }

        if (problem is null)
        {
            string? text = string.IsNullOrWhiteSpace(body) ? null : body.Trim();
            if (text is { Length: > 500 })
            {
                text = text[..500] + "…";
            }

            return new ApiProblem(status, StatusName(status), text, [], null);
        }

        // A field the body lacks reads as null or 0 (the generator does not enforce required members): fall back to the HTTP status.
        int s = problem.Status != 0 ? problem.Status : status;
        var errors = (problem.Errors ?? []).Where(e => e is not null).Select(e => (e.Field ?? "", e.Reason ?? "")).ToList();
        return new ApiProblem(s, problem.Title ?? StatusName(s), problem.Detail, errors, problem);
    }

    /// <summary>"Internal Server Error" for 500: words of the <see cref="System.Net.HttpStatusCode"/> name.</summary>
    private static string? StatusName(int status)
    {
        if (!Enum.IsDefined((System.Net.HttpStatusCode)status))
        {
            return null;
        }

        string name = ((System.Net.HttpStatusCode)status).ToString();
        var sb = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Human text: <c>HTTP 400 Invalid query: detail</c> then one indented line per field error; what the server wrote spelled out (<see cref="TerminalText.Visible"/>).</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("HTTP ").Append(Status);
        if (!string.IsNullOrEmpty(Title))
        {
            sb.Append(' ').Append(TerminalText.Visible(Title));
        }

        if (!string.IsNullOrEmpty(Detail))
        {
            sb.Append(": ").Append(TerminalText.Visible(Detail));
        }

        foreach (var (field, reason) in Errors)
        {
            sb.AppendLine().Append("  - ");
            if (field.Length > 0)
            {
                sb.Append(TerminalText.Visible(field)).Append(": ");
            }

            sb.Append(TerminalText.Visible(reason));
        }

        return sb.ToString();
    }
}

/// <summary>The API answered with an error status.</summary>
public class ApiException(ApiProblem problem) : Exception(problem.Describe())
{
    public ApiProblem Problem { get; } = problem;

    public bool IsAuthFailure => Problem.Status is 401 or 403;
}

/// <summary>No answer from the API (connection refused, DNS, timeout), after retries.</summary>
public sealed class ApiUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
