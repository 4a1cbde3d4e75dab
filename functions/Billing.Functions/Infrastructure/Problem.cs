using System.Text.Json.Nodes;

namespace Billing.Functions.Infrastructure;

/// <summary>RFC 9457 problem details: every error the API returns, with the field and reason where there is one.</summary>
public sealed record Problem(int Status, string Title, string Detail, IReadOnlyList<FieldError>? Errors = null, JsonObject? Extensions = null)
{
    public const string ContentType = "application/problem+json";

    public string ToJson()
    {
        var o = new JsonObject
        {
            ["type"] = $"https://depin-billing.dev/problems/{Status}",
            ["title"] = Title,
            ["status"] = Status,
            ["detail"] = Detail,
        };
        if (Errors is { Count: > 0 })
        {
            o["errors"] = new JsonArray(Errors.Select(e => (JsonNode)new JsonObject { ["field"] = e.Field, ["reason"] = e.Reason }).ToArray());
        }

        if (Extensions is not null)
        {
            foreach (var (k, v) in Extensions)
            {
                o[k] = v?.DeepClone();
            }
        }

        return o.ToJsonString();
    }

    public IResult ToResult() => Results.Text(ToJson(), ContentType, statusCode: Status);

    public static Problem Unauthorized() => new(401, "Unauthorized", "A valid X-Api-Key header is required.");

    public static Problem Forbidden(string detail) => new(403, "Forbidden", detail);

    public static Problem BadRequest(string detail, params FieldError[] errors) => new(400, "Bad request", detail, errors);
}

public readonly record struct FieldError(string Field, string Reason);
