using System.Reflection;

namespace Billing.Application.Tests;

public sealed class ApplicationLayerTests
{
    [Fact]
    public void ApplicationAssembly_References_NoHttpOrHostAssemblies()
    {
        var assembly = typeof(ApplicationAssemblyMarker).Assembly;
        var http = assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(http);
    }
}
