using System.Text;
using System.Text.Json.Nodes;

namespace Billing.Cli.Api;

/// <summary>An RFC 9457 problem (<c>application/problem+json</c>) as the API returns it.</summary>
public sealed record ApiProblem(int Status, string? Title, string? Detail, IReadOnlyList<(string Field, string Reason)> Errors, JsonObject? Body)
{
    public static ApiProblem From(int status, string? body)
    {
        JsonObject? json = null;
        try
        {
            json = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // not JSON: keep the text as the detail
        }

        if (json is null)
        {
            string? text = string.IsNullOrWhiteSpace(body) ? null : body.Trim();
            if (text is { Length: > 500 })
            {
                text = text[..500] + "…";
            }

            return new ApiProblem(status, StatusName(status), text, [], null);
        }

        var errors = new List<(string, string)>();
        if (json["errors"] is JsonArray array)
        {
            foreach (var e in array)
            {
                if (e is JsonObject o)
                {
                    errors.Add((Json.Text(o["field"]) ?? "", Json.Text(o["reason"]) ?? Json.Text(o["message"]) ?? o.ToJsonString()));
                }
                else if (e is not null)
                {
                    errors.Add(("", Json.Text(e) ?? ""));
                }
            }
        }

        int s = json["status"] is JsonValue v && v.TryGetValue(out int parsed) ? parsed : status;
        return new ApiProblem(s, Json.Text(json["title"]) ?? StatusName(s), Json.Text(json["detail"]), errors, json);
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

    /// <summary>Human text: <c>HTTP 400 Invalid query: detail</c> then one indented line per field error.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("HTTP ").Append(Status);
        if (!string.IsNullOrEmpty(Title))
        {
            sb.Append(' ').Append(Title);
        }

        if (!string.IsNullOrEmpty(Detail))
        {
            sb.Append(": ").Append(Detail);
        }

        foreach (var (field, reason) in Errors)
        {
            sb.AppendLine().Append("  - ");
            if (field.Length > 0)
            {
                sb.Append(field).Append(": ");
            }

            sb.Append(reason);
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
