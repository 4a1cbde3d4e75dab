using System.Reflection;

namespace Billing.Tests.Shared;

/// <summary>
/// The repository checkout the tests run from, found once per process: above the test binaries, above the working
/// directory, or at the build-time root that tests/Directory.Build.props stamps into every test assembly (for build
/// output outside the repository, e.g. the artifacts path option).
/// </summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(Find);

    /// <summary>The folder holding Billing.sln.</summary>
    public static string Path => Found.Value;

    private static string Find()
    {
        string? buildTime = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        foreach (string? start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), buildTime })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Billing.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Billing.sln not found above {AppContext.BaseDirectory}, {Directory.GetCurrentDirectory()} or the build-time root {buildTime}.");
    }
}
