namespace Billing.Functions.Http;

/// <summary>Successful JSON answers: a Billing.Contracts record through its source-generated type info.</summary>
public static class ApiResults
{
    /// <summary>The media type of every JSON answer, written as it always was (no charset parameter).</summary>
    public const string JsonContentType = "application/json";

    public static JsonHttpResult<T> Json<T>(T value, JsonTypeInfo<T> typeInfo) => TypedResults.Json(value, typeInfo, JsonContentType);
}
