using System.Diagnostics;
using System.Reflection;

namespace Billing.Functions.Tests.Infrastructure;

/// <summary>
/// The Bicep CLI that infra/Billing.Infra.csproj builds with (NuGet package Azure.Bicep.CommandLine.linux-x64, its path
/// stamped into this assembly by the test project), so the tests read the template the build checks.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string MainBicep => Path.Combine(RepositoryRoot.Path, "infra", "main.bicep");

    private static string Executable
    {
        get
        {
            string? path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BicepExe")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException($"Bicep CLI not found at '{path}'; restore Azure.Bicep.CommandLine.linux-x64 (linux-x64 only).");
            }

            // NuGet extraction can drop the executable bit (the infra build makes it executable the same way).
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("The Bicep CLI package the build uses is linux-x64 only.");
            }

            var mode = File.GetUnixFileMode(path);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }

            return path;
        }
    }

    /// <summary>Runs bicep with <paramref name="arguments"/> in <paramref name="workingDirectory"/>; returns standard output, throws with both streams on failure.</summary>
    public static string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }

        return stdout.Result;
    }
}
