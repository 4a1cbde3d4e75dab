namespace Billing.Functions.HostProtocol;

/// <summary>
/// The endpoint side of a custom-handler invocation (<c>POST /{FunctionName}</c>): reads the host's payload within a
/// bound, parses it, runs the function and writes its <see cref="InvocationResponse"/>. A payload the host could not
/// have built is 400; one over the bound is 413.
/// </summary>
public static class InvocationEndpoint
{
    /// <summary>Maps <c>POST /{Name}</c> to <typeparamref name="TFunction"/> (resolved from the container per invocation).</summary>
    public static RouteHandlerBuilder Map<TFunction>(IEndpointRouteBuilder app)
        where TFunction : class, IInvocationFunction =>
        app.MapPost("/" + TFunction.Name, (HttpRequest r, TFunction f, CancellationToken ct) => InvokeAsync(r, f.InvokeAsync, ct));

    public static async Task<IResult> InvokeAsync(
        HttpRequest request,
        Func<InvocationRequest, CancellationToken, Task<InvocationResponse>> handler,
        CancellationToken cancellationToken,
        long maxBuffered = HandlerLimits.MaxMeteringInvocationBytes)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n && n <= maxBuffered ? (int)n : 0);
        if (!await ReadBoundedAsync(request.Body, buffer, maxBuffered, cancellationToken).ConfigureAwait(false))
        {
            string reason = $"the invocation is larger than {maxBuffered} bytes";
            return new Problem(413, "Payload too large", reason, [new FieldError("$", reason)]).ToResult();
        }

        InvocationRequest invocation;
        try
        {
            invocation = InvocationRequest.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (InvalidHostPayloadException ex)
        {
            return Problem.BadRequest(ex.Message).ToResult();
        }

        using (invocation)
        {
            try
            {
                var response = await handler(invocation, cancellationToken).ConfigureAwait(false);
                return Results.Text(response.ToJson(), "application/json");
            }
            catch (InvalidHostPayloadException ex)
            {
                return Problem.BadRequest(ex.Message).ToResult();
            }
        }
    }

    /// <summary>Copies the body into <paramref name="buffer"/> up to <paramref name="maxBytes"/>; past that, reads the rest without keeping it and returns false.</summary>
    private static async Task<bool> ReadBoundedAsync(Stream body, MemoryStream buffer, long maxBytes, CancellationToken cancellationToken)
    {
        byte[] chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            bool within = true;
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (within && buffer.Length + read <= maxBytes)
                {
                    buffer.Write(chunk, 0, read);
                }
                else
                {
                    within = false;
                }
            }

            return within;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
