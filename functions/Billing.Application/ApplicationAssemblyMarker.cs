namespace Billing.Application;

/// <summary>Names this assembly for tests and composition that need a type from it.</summary>
public static class ApplicationAssemblyMarker;
