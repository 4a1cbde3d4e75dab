using System.Reflection;

namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>The repository root, also when the build output lives outside it (artifacts path): from the build-time metadata.</summary>
public static class Repo
{
    public static string Root()
    {
        var buildTime = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), buildTime })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Billing.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Billing.sln not found above the test output or the build-time repository root.");
    }
}
