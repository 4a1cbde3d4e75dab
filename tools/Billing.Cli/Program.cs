using Billing.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await CliApp.RunAsync(args, CliContext.CreateDefault(), cancel.Token).ConfigureAwait(false);
